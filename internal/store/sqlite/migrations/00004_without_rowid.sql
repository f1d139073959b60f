-- The tables read per device (devices, device_lines, lines, logins) become
-- WITHOUT ROWID tables clustered on their keys: a look-up by name descends
-- one B-tree instead of the key's index and then the table. At 1,000,000
-- devices that is about half the pages DeviceConfig reads.
--
-- SQLite's table rebuild (https://sqlite.org/lang_altertable.html#otheralter):
-- with foreign keys off, which a transaction cannot do, hence NO
-- TRANSACTION and the migration's own BEGIN and COMMIT on goose's one
-- connection. Columns, constraints, indexes and the change-log triggers are
-- those of 00001, unchanged; no change is logged (no row changes).
--
-- At 1,000,000 devices it takes about 22 s of CPU (24 s on a quiet
-- machine), writes the rebuilt tables (most of the file) to the WAL before the
-- checkpoint, and leaves the old tables' pages in the file as free pages
-- (reused by later writes; VACUUM returns them to the file system).

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE new_lines (
  number TEXT PRIMARY KEY,
  display_name TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL DEFAULT '',
  auth_name TEXT NOT NULL DEFAULT '',
  auth_password TEXT NOT NULL DEFAULT '',
  voicemail_pilot TEXT NOT NULL DEFAULT '',
  mwi_policy INTEGER NOT NULL DEFAULT 0,
  max_calls INTEGER NOT NULL DEFAULT 2
) WITHOUT ROWID;
INSERT INTO new_lines (number, display_name, label, auth_name, auth_password, voicemail_pilot, mwi_policy, max_calls)
  SELECT number, display_name, label, auth_name, auth_password, voicemail_pilot, mwi_policy, max_calls FROM lines ORDER BY number;

CREATE TABLE new_devices (
  name TEXT PRIMARY KEY,
  mac TEXT UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  model TEXT NOT NULL REFERENCES models(name) ON UPDATE CASCADE,
  protocol TEXT NOT NULL CHECK (protocol IN ('SCCP', 'SIP')),
  pool TEXT NOT NULL REFERENCES pools(name) ON UPDATE CASCADE,
  softkey_template TEXT REFERENCES softkey_templates(name) ON UPDATE CASCADE,
  sip_profile TEXT REFERENCES sip_profiles(name) ON UPDATE CASCADE,
  dial_plan TEXT REFERENCES dial_plans(name) ON UPDATE CASCADE,
  security_mode TEXT NOT NULL DEFAULT 'non-secure',
  load TEXT NOT NULL DEFAULT '',
  user_locale TEXT NOT NULL DEFAULT '',
  network_locale TEXT NOT NULL DEFAULT '',
  urls TEXT NOT NULL DEFAULT '{}',
  auto_registered INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO new_devices (name, mac, description, model, protocol, pool, softkey_template, sip_profile, dial_plan,
    security_mode, load, user_locale, network_locale, urls, auto_registered)
  SELECT name, mac, description, model, protocol, pool, softkey_template, sip_profile, dial_plan,
    security_mode, load, user_locale, network_locale, urls, auto_registered FROM devices ORDER BY name;

CREATE TABLE new_device_lines (
  device TEXT NOT NULL REFERENCES devices(name) ON DELETE CASCADE ON UPDATE CASCADE,
  button INTEGER NOT NULL CHECK (button BETWEEN 1 AND 200),
  line TEXT NOT NULL REFERENCES lines(number) ON UPDATE CASCADE,
  PRIMARY KEY (device, button)
) WITHOUT ROWID;
INSERT INTO new_device_lines (device, button, line) SELECT device, button, line FROM device_lines ORDER BY device, button;

CREATE TABLE new_logins (
  device TEXT PRIMARY KEY REFERENCES devices(name) ON DELETE CASCADE ON UPDATE CASCADE,
  profile TEXT NOT NULL REFERENCES device_profiles(name) ON DELETE CASCADE ON UPDATE CASCADE,
  since BIGINT NOT NULL
) WITHOUT ROWID;
INSERT INTO new_logins (device, profile, since) SELECT device, profile, since FROM logins ORDER BY device;

-- Dropping a table drops its indexes and triggers; every table is dropped
-- before any is renamed, so no trigger left names a missing table.
DROP TABLE logins;
DROP TABLE device_lines;
DROP TABLE devices;
DROP TABLE lines;
ALTER TABLE new_lines RENAME TO lines;
ALTER TABLE new_devices RENAME TO devices;
ALTER TABLE new_device_lines RENAME TO device_lines;
ALTER TABLE new_logins RENAME TO logins;

CREATE INDEX devices_pool ON devices(pool);
CREATE INDEX devices_model ON devices(model);
CREATE INDEX devices_softkey ON devices(softkey_template);
CREATE INDEX devices_sip_profile ON devices(sip_profile);
CREATE INDEX devices_dial_plan ON devices(dial_plan);
CREATE INDEX device_lines_line ON device_lines(line);
CREATE INDEX logins_profile ON logins(profile);

-- The change log's triggers, as 00001 created them.
-- +goose StatementBegin
CREATE TRIGGER lines_ins AFTER INSERT ON lines
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('line', NEW.number, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER lines_upd AFTER UPDATE ON lines
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'line', OLD.number, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.number IS NOT NEW.number;
  INSERT INTO changes(kind, key, op, at) VALUES ('line', NEW.number, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER lines_del AFTER DELETE ON lines
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('line', OLD.number, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER devices_ins AFTER INSERT ON devices
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('device', NEW.name, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER devices_upd AFTER UPDATE ON devices
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'device', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.name IS NOT NEW.name;
  INSERT INTO changes(kind, key, op, at) VALUES ('device', NEW.name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER devices_del AFTER DELETE ON devices
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('device', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER device_lines_ins AFTER INSERT ON device_lines
WHEN EXISTS (SELECT 1 FROM devices WHERE name = NEW.device)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('device', NEW.device, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER device_lines_del AFTER DELETE ON device_lines
WHEN EXISTS (SELECT 1 FROM devices WHERE name = OLD.device)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('device', OLD.device, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER device_lines_upd AFTER UPDATE ON device_lines
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('device', NEW.device, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER logins_ins AFTER INSERT ON logins
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('login', NEW.device, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER logins_upd AFTER UPDATE ON logins
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'login', OLD.device, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.device IS NOT NEW.device;
  INSERT INTO changes(kind, key, op, at) VALUES ('login', NEW.device, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER logins_del AFTER DELETE ON logins
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('login', OLD.device, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- Every row copied still has its parent (the copy ran with foreign keys
-- off): a violation fails the migration (the CHECK) and rolls it back.
CREATE TEMP TABLE fk_violations (n INTEGER CHECK (n = 0));
INSERT INTO fk_violations SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE temp.fk_violations;

COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE new_lines (
  number TEXT PRIMARY KEY,
  display_name TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL DEFAULT '',
  auth_name TEXT NOT NULL DEFAULT '',
  auth_password TEXT NOT NULL DEFAULT '',
  voicemail_pilot TEXT NOT NULL DEFAULT '',
  mwi_policy INTEGER NOT NULL DEFAULT 0,
  max_calls INTEGER NOT NULL DEFAULT 2
);
INSERT INTO new_lines (number, display_name, label, auth_name, auth_password, voicemail_pilot, mwi_policy, max_calls)
  SELECT number, display_name, label, auth_name, auth_password, voicemail_pilot, mwi_policy, max_calls FROM lines ORDER BY number;

CREATE TABLE new_devices (
  name TEXT PRIMARY KEY,
  mac TEXT UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  model TEXT NOT NULL REFERENCES models(name) ON UPDATE CASCADE,
  protocol TEXT NOT NULL CHECK (protocol IN ('SCCP', 'SIP')),
  pool TEXT NOT NULL REFERENCES pools(name) ON UPDATE CASCADE,
  softkey_template TEXT REFERENCES softkey_templates(name) ON UPDATE CASCADE,
  sip_profile TEXT REFERENCES sip_profiles(name) ON UPDATE CASCADE,
  dial_plan TEXT REFERENCES dial_plans(name) ON UPDATE CASCADE,
  security_mode TEXT NOT NULL DEFAULT 'non-secure',
  load TEXT NOT NULL DEFAULT '',
  user_locale TEXT NOT NULL DEFAULT '',
  network_locale TEXT NOT NULL DEFAULT '',
  urls TEXT NOT NULL DEFAULT '{}',
  auto_registered INTEGER NOT NULL DEFAULT 0
);
INSERT INTO new_devices (name, mac, description, model, protocol, pool, softkey_template, sip_profile, dial_plan,
    security_mode, load, user_locale, network_locale, urls, auto_registered)
  SELECT name, mac, description, model, protocol, pool, softkey_template, sip_profile, dial_plan,
    security_mode, load, user_locale, network_locale, urls, auto_registered FROM devices ORDER BY name;

CREATE TABLE new_device_lines (
  device TEXT NOT NULL REFERENCES devices(name) ON DELETE CASCADE ON UPDATE CASCADE,
  button INTEGER NOT NULL CHECK (button BETWEEN 1 AND 200),
  line TEXT NOT NULL REFERENCES lines(number) ON UPDATE CASCADE,
  PRIMARY KEY (device, button)
);
INSERT INTO new_device_lines (device, button, line) SELECT device, button, line FROM device_lines ORDER BY device, button;

CREATE TABLE new_logins (
  device TEXT PRIMARY KEY REFERENCES devices(name) ON DELETE CASCADE ON UPDATE CASCADE,
  profile TEXT NOT NULL REFERENCES device_profiles(name) ON DELETE CASCADE ON UPDATE CASCADE,
  since BIGINT NOT NULL
);
INSERT INTO new_logins (device, profile, since) SELECT device, profile, since FROM logins ORDER BY device;

-- Dropping a table drops its indexes and triggers; every table is dropped
-- before any is renamed, so no trigger left names a missing table.
DROP TABLE logins;
DROP TABLE device_lines;
DROP TABLE devices;
DROP TABLE lines;
ALTER TABLE new_lines RENAME TO lines;
ALTER TABLE new_devices RENAME TO devices;
ALTER TABLE new_device_lines RENAME TO device_lines;
ALTER TABLE new_logins RENAME TO logins;

CREATE INDEX devices_pool ON devices(pool);
CREATE INDEX devices_model ON devices(model);
CREATE INDEX devices_softkey ON devices(softkey_template);
CREATE INDEX devices_sip_profile ON devices(sip_profile);
CREATE INDEX devices_dial_plan ON devices(dial_plan);
CREATE INDEX device_lines_line ON device_lines(line);
CREATE INDEX logins_profile ON logins(profile);

-- The change log's triggers, as 00001 created them.
-- +goose StatementBegin
CREATE TRIGGER lines_ins AFTER INSERT ON lines
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('line', NEW.number, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER lines_upd AFTER UPDATE ON lines
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'line', OLD.number, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.number IS NOT NEW.number;
  INSERT INTO changes(kind, key, op, at) VALUES ('line', NEW.number, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER lines_del AFTER DELETE ON lines
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('line', OLD.number, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER devices_ins AFTER INSERT ON devices
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('device', NEW.name, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER devices_upd AFTER UPDATE ON devices
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'device', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.name IS NOT NEW.name;
  INSERT INTO changes(kind, key, op, at) VALUES ('device', NEW.name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER devices_del AFTER DELETE ON devices
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('device', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER device_lines_ins AFTER INSERT ON device_lines
WHEN EXISTS (SELECT 1 FROM devices WHERE name = NEW.device)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('device', NEW.device, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER device_lines_del AFTER DELETE ON device_lines
WHEN EXISTS (SELECT 1 FROM devices WHERE name = OLD.device)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('device', OLD.device, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER device_lines_upd AFTER UPDATE ON device_lines
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('device', NEW.device, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER logins_ins AFTER INSERT ON logins
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('login', NEW.device, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER logins_upd AFTER UPDATE ON logins
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'login', OLD.device, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.device IS NOT NEW.device;
  INSERT INTO changes(kind, key, op, at) VALUES ('login', NEW.device, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER logins_del AFTER DELETE ON logins
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('login', OLD.device, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- Every row copied still has its parent (the copy ran with foreign keys
-- off): a violation fails the migration (the CHECK) and rolls it back.
CREATE TEMP TABLE fk_violations (n INTEGER CHECK (n = 0));
INSERT INTO fk_violations SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE temp.fk_violations;

COMMIT;
PRAGMA foreign_keys = ON;
