-- Signing keys, device and call-control server certificates (issue 16, internal/store/keys.go's
-- store.KeyStore; internal/store/sqlstore/keys.go).
--
-- signing_keys holds the SAST, TFTP (RSA) and optional HTTPS (EC) key pairs:
-- the certificate (DER) and the private key sealed by internal/keys under the
-- operator's secret (never in clear here). They are not records of the site
-- document: no export and no Get/List/Put sees them.
--
-- A rotation writes several rows of signing_keys but must cause one change
-- (kind 'keys', key ''): signing_keys has no trigger of its own; the writer
-- adds one key_rotations row in the same transaction, and that row's
-- trigger logs the change (with 00001's lock and notification). A writer by
-- plain SQL does the same (INSERT INTO key_rotations (at) VALUES (...)).
--
-- A rotation checks the active keys and writes in one transaction that first
-- takes LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE (readers go on).
--
-- device_certs holds a device's certificate (DER; its LSC or MIC), to which
-- its encrypted configuration's key is encrypted. A change is a change of
-- the device (kind 'device', op 'update') through cmtftp_log_change, like
-- device_lines; the row goes with its device (ON DELETE CASCADE).
--
-- server_certs holds a call-control server's certificate (DER, RSA: its
-- CallManager certificate), which the CTL lists as a CCM record named by the
-- server's host. A change is a change of the server (kind 'server', op
-- 'update') through cmtftp_log_change, as device_certs is of its device;
-- the row goes with its server (ON DELETE CASCADE).
-- Times are microseconds since the Unix epoch, as in the change log.

-- +goose Up

CREATE TABLE signing_keys (
  id BIGSERIAL PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('sast', 'tftp', 'https', 'trusted')),
  cert BYTEA NOT NULL,
  sealed BYTEA NOT NULL,
  created BIGINT NOT NULL,
  retired BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE key_rotations (
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL
);

CREATE TABLE device_certs (
  device TEXT PRIMARY KEY REFERENCES devices(name) ON DELETE CASCADE ON UPDATE CASCADE,
  cert BYTEA NOT NULL
);

CREATE TABLE server_certs (
  server TEXT PRIMARY KEY REFERENCES servers(name) ON DELETE CASCADE ON UPDATE CASCADE,
  cert BYTEA NOT NULL
);

-- cmtftp_log_keys logs one change of the keys (kind 'keys', key '') per
-- key_rotations row, as cmtftp_log_change does for the records.
-- +goose StatementBegin
CREATE FUNCTION cmtftp_log_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7440);
  INSERT INTO changes(kind, key, op, at) VALUES ('keys', '', 'update', (extract(epoch from clock_timestamp()) * 1000000)::bigint);
  PERFORM pg_notify('cmtftp_changes', '');
  RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER key_rotations_changes AFTER INSERT ON key_rotations
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_keys();

CREATE TRIGGER device_certs_changes AFTER INSERT OR UPDATE OR DELETE ON device_certs
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('device', 'device', 'devices', 'name');

CREATE TRIGGER server_certs_changes AFTER INSERT OR UPDATE OR DELETE ON server_certs
  FOR EACH ROW EXECUTE FUNCTION cmtftp_log_change('server', 'server', 'servers', 'name');

-- +goose Down
DROP TABLE IF EXISTS server_certs;
DROP TABLE IF EXISTS device_certs;
DROP TABLE IF EXISTS key_rotations;
DROP TABLE IF EXISTS signing_keys;
DROP FUNCTION IF EXISTS cmtftp_log_keys();
