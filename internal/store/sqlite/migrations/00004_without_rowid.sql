-- The tables read per device (devices, device_lines, lines, logins, and
-- profile_lines with them) become WITHOUT ROWID tables clustered on their
-- keys: a look-up by key descends one B-tree instead of the key's index and
-- then the table. At 1,000,000 devices DeviceConfig reads 6 pages that miss
-- its cache instead of 11.
--
-- SQLite's table rebuild (https://sqlite.org/lang_altertable.html#otheralter),
-- in goose's transaction with foreign keys on: the new tables reference
-- each other (new_devices, new_lines) until the renames, every copied row
-- is checked against its parents as it is inserted, and the old tables are
-- dropped children first. Columns, constraints, indexes and the change-log
-- triggers are those of 00001, unchanged (the renames quote the names in
-- the tables' REFERENCES); no change is logged (no row changes).
--
-- At 1,000,000 devices it takes about 15 s of CPU (21 s), writes the rebuilt
-- tables (most of the file) to the WAL before the checkpoint, and leaves
-- the old tables' pages in the file as free pages (reused by later writes;
-- VACUUM returns them to the file system).

-- +goose Up
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
  device TEXT NOT NULL REFERENCES new_devices(name) ON DELETE CASCADE ON UPDATE CASCADE,
  button INTEGER NOT NULL CHECK (button BETWEEN 1 AND 200),
  line TEXT NOT NULL REFERENCES new_lines(number) ON UPDATE CASCADE,
  PRIMARY KEY (device, button)
) WITHOUT ROWID;
INSERT INTO new_device_lines (device, button, line) SELECT device, button, line FROM device_lines ORDER BY device, button;

CREATE TABLE new_profile_lines (
  profile TEXT NOT NULL REFERENCES device_profiles(name) ON DELETE CASCADE ON UPDATE CASCADE,
  button INTEGER NOT NULL CHECK (button BETWEEN 1 AND 200),
  line TEXT NOT NULL REFERENCES new_lines(number) ON UPDATE CASCADE,
  PRIMARY KEY (profile, button)
) WITHOUT ROWID;
INSERT INTO new_profile_lines (profile, button, line) SELECT profile, button, line FROM profile_lines ORDER BY profile, button;

CREATE TABLE new_logins (
  device TEXT PRIMARY KEY REFERENCES new_devices(name) ON DELETE CASCADE ON UPDATE CASCADE,
  profile TEXT NOT NULL REFERENCES device_profiles(name) ON DELETE CASCADE ON UPDATE CASCADE,
  since BIGINT NOT NULL
) WITHOUT ROWID;
INSERT INTO new_logins (device, profile, since) SELECT device, profile, since FROM logins ORDER BY device;

-- Children first: no table dropped is then a parent of any row, so no
-- foreign key action runs (dropping a table fires no trigger).
DROP TABLE logins;
DROP TABLE profile_lines;
DROP TABLE device_lines;
DROP TABLE devices;
DROP TABLE lines;
-- Renaming a table rewrites the references to it (new_devices, new_lines).
ALTER TABLE new_lines RENAME TO lines;
ALTER TABLE new_devices RENAME TO devices;
ALTER TABLE new_device_lines RENAME TO device_lines;
ALTER TABLE new_profile_lines RENAME TO profile_lines;
ALTER TABLE new_logins RENAME TO logins;

CREATE INDEX devices_pool ON devices(pool);
CREATE INDEX devices_model ON devices(model);
CREATE INDEX devices_softkey ON devices(softkey_template);
CREATE INDEX devices_sip_profile ON devices(sip_profile);
CREATE INDEX devices_dial_plan ON devices(dial_plan);
CREATE INDEX device_lines_line ON device_lines(line);
CREATE INDEX profile_lines_line ON profile_lines(line);
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
CREATE TRIGGER profile_lines_ins AFTER INSERT ON profile_lines
WHEN EXISTS (SELECT 1 FROM device_profiles WHERE name = NEW.profile)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('profile', NEW.profile, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER profile_lines_del AFTER DELETE ON profile_lines
WHEN EXISTS (SELECT 1 FROM device_profiles WHERE name = OLD.profile)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('profile', OLD.profile, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER profile_lines_upd AFTER UPDATE ON profile_lines
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('profile', NEW.profile, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
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


-- +goose Down
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
  device TEXT NOT NULL REFERENCES new_devices(name) ON DELETE CASCADE ON UPDATE CASCADE,
  button INTEGER NOT NULL CHECK (button BETWEEN 1 AND 200),
  line TEXT NOT NULL REFERENCES new_lines(number) ON UPDATE CASCADE,
  PRIMARY KEY (device, button)
);
INSERT INTO new_device_lines (device, button, line) SELECT device, button, line FROM device_lines ORDER BY device, button;

CREATE TABLE new_profile_lines (
  profile TEXT NOT NULL REFERENCES device_profiles(name) ON DELETE CASCADE ON UPDATE CASCADE,
  button INTEGER NOT NULL CHECK (button BETWEEN 1 AND 200),
  line TEXT NOT NULL REFERENCES new_lines(number) ON UPDATE CASCADE,
  PRIMARY KEY (profile, button)
);
INSERT INTO new_profile_lines (profile, button, line) SELECT profile, button, line FROM profile_lines ORDER BY profile, button;

CREATE TABLE new_logins (
  device TEXT PRIMARY KEY REFERENCES new_devices(name) ON DELETE CASCADE ON UPDATE CASCADE,
  profile TEXT NOT NULL REFERENCES device_profiles(name) ON DELETE CASCADE ON UPDATE CASCADE,
  since BIGINT NOT NULL
);
INSERT INTO new_logins (device, profile, since) SELECT device, profile, since FROM logins ORDER BY device;

-- Children first: no table dropped is then a parent of any row, so no
-- foreign key action runs (dropping a table fires no trigger).
DROP TABLE logins;
DROP TABLE profile_lines;
DROP TABLE device_lines;
DROP TABLE devices;
DROP TABLE lines;
-- Renaming a table rewrites the references to it (new_devices, new_lines).
ALTER TABLE new_lines RENAME TO lines;
ALTER TABLE new_devices RENAME TO devices;
ALTER TABLE new_device_lines RENAME TO device_lines;
ALTER TABLE new_profile_lines RENAME TO profile_lines;
ALTER TABLE new_logins RENAME TO logins;

CREATE INDEX devices_pool ON devices(pool);
CREATE INDEX devices_model ON devices(model);
CREATE INDEX devices_softkey ON devices(softkey_template);
CREATE INDEX devices_sip_profile ON devices(sip_profile);
CREATE INDEX devices_dial_plan ON devices(dial_plan);
CREATE INDEX device_lines_line ON device_lines(line);
CREATE INDEX profile_lines_line ON profile_lines(line);
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
CREATE TRIGGER profile_lines_ins AFTER INSERT ON profile_lines
WHEN EXISTS (SELECT 1 FROM device_profiles WHERE name = NEW.profile)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('profile', NEW.profile, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER profile_lines_del AFTER DELETE ON profile_lines
WHEN EXISTS (SELECT 1 FROM device_profiles WHERE name = OLD.profile)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('profile', OLD.profile, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER profile_lines_upd AFTER UPDATE ON profile_lines
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('profile', NEW.profile, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
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

