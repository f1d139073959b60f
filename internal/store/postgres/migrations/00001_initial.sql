-- Initial schema: every record kind, and the change log fed by triggers so that
-- a change made by any writer (the API, the CLI, plain SQL) reaches every server.

-- +goose Up

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE changes (
  id BIGSERIAL PRIMARY KEY,
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
  tftp_default BOOLEAN NOT NULL DEFAULT false
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
  xml_config BOOLEAN NOT NULL DEFAULT false,
  sip_files TEXT NOT NULL DEFAULT '[]',
  sccp_files TEXT NOT NULL DEFAULT '[]',
  build_selective BOOLEAN NOT NULL DEFAULT false,
  dial_family TEXT NOT NULL DEFAULT '',
  sccp_load TEXT NOT NULL DEFAULT '',
  sip_load TEXT NOT NULL DEFAULT '',
  max_lines INTEGER NOT NULL DEFAULT 1,
  builtin BOOLEAN NOT NULL DEFAULT false
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
  register_with_proxy BOOLEAN NOT NULL DEFAULT false,
  timer_register_expires INTEGER NOT NULL DEFAULT 3600,
  start_media_port INTEGER NOT NULL DEFAULT 16384,
  stop_media_port INTEGER NOT NULL DEFAULT 32766,
  dtmf_avt_payload INTEGER NOT NULL DEFAULT 101,
  nat_enabled BOOLEAN NOT NULL DEFAULT false,
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
  auto_registered BOOLEAN NOT NULL DEFAULT false
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
  data BYTEA NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  modified BIGINT NOT NULL
);

-- +goose StatementBegin
-- cmtftp_log_change writes one change-log row per changed row and wakes
-- listeners. Arguments: kind, key column, and for child tables the parent
-- table and its key column (a child change is an update of the parent).
-- The advisory lock serialises writers from their first change to commit,
-- so change IDs become visible in order and a reader never skips one.
CREATE FUNCTION cmtftp_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k text := TG_ARGV[0];
  col text := TG_ARGV[1];
  oldkey text;
  newkey text;
  now_us bigint := (extract(epoch from clock_timestamp()) * 1000000)::bigint;
  parent_exists boolean;
BEGIN
  PERFORM pg_advisory_xact_lock(7440);
  IF TG_OP <> 'INSERT' THEN oldkey := to_jsonb(OLD) ->> col; END IF;
  IF TG_OP <> 'DELETE' THEN newkey := to_jsonb(NEW) ->> col; END IF;
  IF TG_NARGS > 2 THEN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I = $1)', TG_ARGV[2], TG_ARGV[3])
      INTO parent_exists USING coalesce(newkey, oldkey);
    IF parent_exists THEN
      INSERT INTO changes(kind, key, op, at) VALUES (k, coalesce(newkey, oldkey), 'update', now_us);
    END IF;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO changes(kind, key, op, at) VALUES (k, newkey, 'insert', now_us);
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO changes(kind, key, op, at) VALUES (k, oldkey, 'delete', now_us);
  ELSE
    IF oldkey IS DISTINCT FROM newkey THEN
      INSERT INTO changes(kind, key, op, at) VALUES (k, oldkey, 'delete', now_us);
    END IF;
    INSERT INTO changes(kind, key, op, at) VALUES (k, newkey, 'update', now_us);
  END IF;
  PERFORM pg_notify('cmtftp_changes', '');
  RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER servers_changes AFTER INSERT OR UPDATE OR DELETE ON servers
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('server', 'name');

CREATE TRIGGER call_groups_changes AFTER INSERT OR UPDATE OR DELETE ON call_groups
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('group', 'name');

CREATE TRIGGER group_members_changes AFTER INSERT OR UPDATE OR DELETE ON group_members
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('group', 'group_name', 'call_groups', 'name');

CREATE TRIGGER pools_changes AFTER INSERT OR UPDATE OR DELETE ON pools
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('pool', 'name');

CREATE TRIGGER models_changes AFTER INSERT OR UPDATE OR DELETE ON models
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('model', 'name');

CREATE TRIGGER lines_changes AFTER INSERT OR UPDATE OR DELETE ON lines
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('line', 'number');

CREATE TRIGGER sip_profiles_changes AFTER INSERT OR UPDATE OR DELETE ON sip_profiles
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('sipprofile', 'name');

CREATE TRIGGER dial_plans_changes AFTER INSERT OR UPDATE OR DELETE ON dial_plans
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('dialplan', 'name');

CREATE TRIGGER softkey_templates_changes AFTER INSERT OR UPDATE OR DELETE ON softkey_templates
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('softkey', 'name');

CREATE TRIGGER devices_changes AFTER INSERT OR UPDATE OR DELETE ON devices
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('device', 'name');

CREATE TRIGGER device_lines_changes AFTER INSERT OR UPDATE OR DELETE ON device_lines
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('device', 'device', 'devices', 'name');

CREATE TRIGGER device_profiles_changes AFTER INSERT OR UPDATE OR DELETE ON device_profiles
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('profile', 'name');

CREATE TRIGGER profile_lines_changes AFTER INSERT OR UPDATE OR DELETE ON profile_lines
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('profile', 'profile', 'device_profiles', 'name');

CREATE TRIGGER logins_changes AFTER INSERT OR UPDATE OR DELETE ON logins
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('login', 'device');

CREATE TRIGGER enterprise_params_changes AFTER INSERT OR UPDATE OR DELETE ON enterprise_params
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('enterprise', 'name');

CREATE TRIGGER service_params_changes AFTER INSERT OR UPDATE OR DELETE ON service_params
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('service', 'name');

CREATE TRIGGER custom_files_changes AFTER INSERT OR UPDATE OR DELETE ON custom_files
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('file', 'name');

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
DROP FUNCTION IF EXISTS cmtftp_log_change();
