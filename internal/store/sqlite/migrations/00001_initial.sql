-- Initial schema: every record kind, and the change log fed by triggers so that
-- a change made by any writer (the API, the CLI, plain SQL) reaches every server.

-- +goose Up

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  op TEXT NOT NULL,
  at BIGINT NOT NULL
);

CREATE TABLE servers (
  name TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  sccp_port INTEGER NOT NULL DEFAULT 2000,
  sccp_tls_port INTEGER NOT NULL DEFAULT 2443,
  sip_port INTEGER NOT NULL DEFAULT 5060,
  sip_tls_port INTEGER NOT NULL DEFAULT 5061,
  mgcp_port INTEGER NOT NULL DEFAULT 2427,
  mgcp_keepalive_port INTEGER NOT NULL DEFAULT 2428
);

CREATE TABLE call_groups (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL DEFAULT '',
  tftp_default INTEGER NOT NULL DEFAULT 0
);

-- Up to three servers per group; priority 0 is tried first.
CREATE TABLE group_members (
  group_name TEXT NOT NULL REFERENCES call_groups(name) ON DELETE CASCADE ON UPDATE CASCADE,
  priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 2),
  server TEXT NOT NULL REFERENCES servers(name) ON UPDATE CASCADE,
  PRIMARY KEY (group_name, priority),
  UNIQUE (group_name, server)
);
CREATE INDEX group_members_server ON group_members(server);

CREATE TABLE pools (
  name TEXT PRIMARY KEY,
  group_name TEXT NOT NULL REFERENCES call_groups(name) ON UPDATE CASCADE,
  date_template TEXT NOT NULL DEFAULT 'M/D/Y',
  time_zone TEXT NOT NULL DEFAULT '',
  olson_time_zone TEXT NOT NULL DEFAULT '',
  user_locale TEXT NOT NULL DEFAULT '',
  network_locale TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  srst TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pools_group ON pools(group_name);

CREATE TABLE models (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL DEFAULT '',
  type_id INTEGER NOT NULL,
  class TEXT NOT NULL DEFAULT 'phone',
  protocols TEXT NOT NULL DEFAULT '[]',
  xml_config INTEGER NOT NULL DEFAULT 0,
  sip_files TEXT NOT NULL DEFAULT '[]',
  sccp_files TEXT NOT NULL DEFAULT '[]',
  build_selective INTEGER NOT NULL DEFAULT 0,
  dial_family TEXT NOT NULL DEFAULT '',
  sccp_load TEXT NOT NULL DEFAULT '',
  sip_load TEXT NOT NULL DEFAULT '',
  max_lines INTEGER NOT NULL DEFAULT 1,
  builtin INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE lines (
  number TEXT PRIMARY KEY,
  display_name TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL DEFAULT '',
  auth_name TEXT NOT NULL DEFAULT '',
  auth_password TEXT NOT NULL DEFAULT '',
  voicemail_pilot TEXT NOT NULL DEFAULT '',
  mwi_policy INTEGER NOT NULL DEFAULT 0,
  max_calls INTEGER NOT NULL DEFAULT 2
);

CREATE TABLE sip_profiles (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL DEFAULT '',
  preferred_codec TEXT NOT NULL DEFAULT 'none',
  register_with_proxy INTEGER NOT NULL DEFAULT 0,
  timer_register_expires INTEGER NOT NULL DEFAULT 3600,
  start_media_port INTEGER NOT NULL DEFAULT 16384,
  stop_media_port INTEGER NOT NULL DEFAULT 32766,
  dtmf_avt_payload INTEGER NOT NULL DEFAULT 101,
  nat_enabled INTEGER NOT NULL DEFAULT 0,
  nat_address TEXT NOT NULL DEFAULT '',
  phone_label TEXT NOT NULL DEFAULT '',
  transport TEXT NOT NULL DEFAULT 'udp',
  voip_control_port INTEGER NOT NULL DEFAULT 5060
);

-- rules and sets are ordered lists of value objects, kept as JSON arrays.
CREATE TABLE dial_plans (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL DEFAULT '',
  family TEXT NOT NULL,
  rules TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE softkey_templates (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL DEFAULT '',
  sets TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE devices (
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
CREATE INDEX devices_pool ON devices(pool);
CREATE INDEX devices_model ON devices(model);
CREATE INDEX devices_softkey ON devices(softkey_template);
CREATE INDEX devices_sip_profile ON devices(sip_profile);
CREATE INDEX devices_dial_plan ON devices(dial_plan);

CREATE TABLE device_lines (
  device TEXT NOT NULL REFERENCES devices(name) ON DELETE CASCADE ON UPDATE CASCADE,
  button INTEGER NOT NULL CHECK (button BETWEEN 1 AND 200),
  line TEXT NOT NULL REFERENCES lines(number) ON UPDATE CASCADE,
  PRIMARY KEY (device, button)
);
CREATE INDEX device_lines_line ON device_lines(line);

CREATE TABLE device_profiles (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL DEFAULT '',
  dial_plan TEXT REFERENCES dial_plans(name) ON UPDATE CASCADE,
  softkey_template TEXT REFERENCES softkey_templates(name) ON UPDATE CASCADE,
  user_locale TEXT NOT NULL DEFAULT ''
);

CREATE TABLE profile_lines (
  profile TEXT NOT NULL REFERENCES device_profiles(name) ON DELETE CASCADE ON UPDATE CASCADE,
  button INTEGER NOT NULL CHECK (button BETWEEN 1 AND 200),
  line TEXT NOT NULL REFERENCES lines(number) ON UPDATE CASCADE,
  PRIMARY KEY (profile, button)
);
CREATE INDEX profile_lines_line ON profile_lines(line);

-- Extension mobility: which profile is logged in on which device.
CREATE TABLE logins (
  device TEXT PRIMARY KEY REFERENCES devices(name) ON DELETE CASCADE ON UPDATE CASCADE,
  profile TEXT NOT NULL REFERENCES device_profiles(name) ON DELETE CASCADE ON UPDATE CASCADE,
  since BIGINT NOT NULL
);
CREATE INDEX logins_profile ON logins(profile);

CREATE TABLE enterprise_params (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE service_params (name TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE custom_files (
  name TEXT PRIMARY KEY,
  data BLOB NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  modified BIGINT NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER servers_ins AFTER INSERT ON servers
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('server', NEW.name, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER servers_upd AFTER UPDATE ON servers
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'server', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.name IS NOT NEW.name;
  INSERT INTO changes(kind, key, op, at) VALUES ('server', NEW.name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER servers_del AFTER DELETE ON servers
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('server', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER call_groups_ins AFTER INSERT ON call_groups
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('group', NEW.name, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER call_groups_upd AFTER UPDATE ON call_groups
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'group', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.name IS NOT NEW.name;
  INSERT INTO changes(kind, key, op, at) VALUES ('group', NEW.name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER call_groups_del AFTER DELETE ON call_groups
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('group', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER group_members_ins AFTER INSERT ON group_members
WHEN EXISTS (SELECT 1 FROM call_groups WHERE name = NEW.group_name)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('group', NEW.group_name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER group_members_del AFTER DELETE ON group_members
WHEN EXISTS (SELECT 1 FROM call_groups WHERE name = OLD.group_name)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('group', OLD.group_name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER group_members_upd AFTER UPDATE ON group_members
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('group', NEW.group_name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER pools_ins AFTER INSERT ON pools
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('pool', NEW.name, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER pools_upd AFTER UPDATE ON pools
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'pool', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.name IS NOT NEW.name;
  INSERT INTO changes(kind, key, op, at) VALUES ('pool', NEW.name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER pools_del AFTER DELETE ON pools
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('pool', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER models_ins AFTER INSERT ON models
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('model', NEW.name, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER models_upd AFTER UPDATE ON models
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'model', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.name IS NOT NEW.name;
  INSERT INTO changes(kind, key, op, at) VALUES ('model', NEW.name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER models_del AFTER DELETE ON models
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('model', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

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
CREATE TRIGGER sip_profiles_ins AFTER INSERT ON sip_profiles
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('sipprofile', NEW.name, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sip_profiles_upd AFTER UPDATE ON sip_profiles
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'sipprofile', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.name IS NOT NEW.name;
  INSERT INTO changes(kind, key, op, at) VALUES ('sipprofile', NEW.name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sip_profiles_del AFTER DELETE ON sip_profiles
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('sipprofile', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER dial_plans_ins AFTER INSERT ON dial_plans
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('dialplan', NEW.name, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER dial_plans_upd AFTER UPDATE ON dial_plans
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'dialplan', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.name IS NOT NEW.name;
  INSERT INTO changes(kind, key, op, at) VALUES ('dialplan', NEW.name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER dial_plans_del AFTER DELETE ON dial_plans
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('dialplan', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER softkey_templates_ins AFTER INSERT ON softkey_templates
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('softkey', NEW.name, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER softkey_templates_upd AFTER UPDATE ON softkey_templates
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'softkey', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.name IS NOT NEW.name;
  INSERT INTO changes(kind, key, op, at) VALUES ('softkey', NEW.name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER softkey_templates_del AFTER DELETE ON softkey_templates
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('softkey', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
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
CREATE TRIGGER device_profiles_ins AFTER INSERT ON device_profiles
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('profile', NEW.name, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER device_profiles_upd AFTER UPDATE ON device_profiles
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'profile', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.name IS NOT NEW.name;
  INSERT INTO changes(kind, key, op, at) VALUES ('profile', NEW.name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER device_profiles_del AFTER DELETE ON device_profiles
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('profile', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
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

-- +goose StatementBegin
CREATE TRIGGER enterprise_params_ins AFTER INSERT ON enterprise_params
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('enterprise', NEW.name, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER enterprise_params_upd AFTER UPDATE ON enterprise_params
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'enterprise', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.name IS NOT NEW.name;
  INSERT INTO changes(kind, key, op, at) VALUES ('enterprise', NEW.name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER enterprise_params_del AFTER DELETE ON enterprise_params
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('enterprise', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER service_params_ins AFTER INSERT ON service_params
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('service', NEW.name, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER service_params_upd AFTER UPDATE ON service_params
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'service', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.name IS NOT NEW.name;
  INSERT INTO changes(kind, key, op, at) VALUES ('service', NEW.name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER service_params_del AFTER DELETE ON service_params
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('service', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER custom_files_ins AFTER INSERT ON custom_files
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('file', NEW.name, 'insert', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER custom_files_upd AFTER UPDATE ON custom_files
BEGIN
  INSERT INTO changes(kind, key, op, at) SELECT 'file', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE OLD.name IS NOT NEW.name;
  INSERT INTO changes(kind, key, op, at) VALUES ('file', NEW.name, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER custom_files_del AFTER DELETE ON custom_files
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('file', OLD.name, 'delete', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE IF EXISTS changes;
DROP TABLE IF EXISTS meta;
DROP TABLE IF EXISTS custom_files;
DROP TABLE IF EXISTS service_params;
DROP TABLE IF EXISTS enterprise_params;
DROP TABLE IF EXISTS logins;
DROP TABLE IF EXISTS profile_lines;
DROP TABLE IF EXISTS device_profiles;
DROP TABLE IF EXISTS device_lines;
DROP TABLE IF EXISTS devices;
DROP TABLE IF EXISTS softkey_templates;
DROP TABLE IF EXISTS dial_plans;
DROP TABLE IF EXISTS sip_profiles;
DROP TABLE IF EXISTS lines;
DROP TABLE IF EXISTS models;
DROP TABLE IF EXISTS pools;
DROP TABLE IF EXISTS group_members;
DROP TABLE IF EXISTS call_groups;
DROP TABLE IF EXISTS servers;
