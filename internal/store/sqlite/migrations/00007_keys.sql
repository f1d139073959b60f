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
-- trigger logs the change. A writer by plain SQL does the same
-- (INSERT INTO key_rotations (at) VALUES (...)).
--
-- A rotation checks the active keys and writes in one transaction, which
-- SQLite begins IMMEDIATE (sqlite.Open), holding the write lock.
--
-- device_certs holds a device's certificate (DER; its LSC or MIC), to which
-- its encrypted configuration's key is encrypted. A change is a change of
-- the device (kind 'device', op 'update'), like device_lines; the row goes
-- with its device (ON DELETE CASCADE). A later rebuild of devices (as in
-- 00004) must copy and drop device_certs with the other children: dropping
-- devices while foreign keys are on deletes its certificates.
--
-- server_certs holds a call-control server's certificate (DER, RSA: its
-- CallManager certificate), which the CTL lists as a CCM record named by the
-- server's host. A change is a change of the server (kind 'server', op
-- 'update'), as device_certs is of its device; the row goes with its server
-- (ON DELETE CASCADE), and a later rebuild of servers must copy and drop
-- server_certs likewise.
-- Times are microseconds since the Unix epoch, as in the change log.

-- +goose Up

CREATE TABLE signing_keys (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  role TEXT NOT NULL CHECK (role IN ('sast', 'tftp', 'https', 'trusted')),
  cert BLOB NOT NULL,
  sealed BLOB NOT NULL,
  created BIGINT NOT NULL,
  retired INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE key_rotations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at BIGINT NOT NULL
);

CREATE TABLE device_certs (
  device TEXT PRIMARY KEY REFERENCES devices(name) ON DELETE CASCADE ON UPDATE CASCADE,
  cert BLOB NOT NULL
);

CREATE TABLE server_certs (
  server TEXT PRIMARY KEY REFERENCES servers(name) ON DELETE CASCADE ON UPDATE CASCADE,
  cert BLOB NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER key_rotations_ins AFTER INSERT ON key_rotations
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('keys', '', 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER device_certs_ins AFTER INSERT ON device_certs
WHEN EXISTS (SELECT 1 FROM devices WHERE name = NEW.device)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('device', NEW.device, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER device_certs_del AFTER DELETE ON device_certs
WHEN EXISTS (SELECT 1 FROM devices WHERE name = OLD.device)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('device', OLD.device, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER device_certs_upd AFTER UPDATE ON device_certs
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('device', NEW.device, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER server_certs_ins AFTER INSERT ON server_certs
WHEN EXISTS (SELECT 1 FROM servers WHERE name = NEW.server)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('server', NEW.server, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER server_certs_del AFTER DELETE ON server_certs
WHEN EXISTS (SELECT 1 FROM servers WHERE name = OLD.server)
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('server', OLD.server, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER server_certs_upd AFTER UPDATE ON server_certs
BEGIN INSERT INTO changes(kind, key, op, at) VALUES ('server', NEW.server, 'update', CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE IF EXISTS server_certs;
DROP TABLE IF EXISTS device_certs;
DROP TABLE IF EXISTS key_rotations;
DROP TABLE IF EXISTS signing_keys;
