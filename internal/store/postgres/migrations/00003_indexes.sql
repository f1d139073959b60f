-- Indexes for look-ups that otherwise read a whole table (found by
-- TestQueryPlans in internal/store/sqlstore): deleting a dial plan or
-- softkey template asks which device profile still names it.

-- +goose Up

CREATE INDEX device_profiles_dial_plan ON device_profiles(dial_plan);
CREATE INDEX device_profiles_softkey ON device_profiles(softkey_template);

-- +goose Down
DROP INDEX IF EXISTS device_profiles_softkey;
DROP INDEX IF EXISTS device_profiles_dial_plan;
