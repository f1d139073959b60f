package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

var _ store.KeyStore = (*DB)(nil)

// Statements of the key store (migrations 00007 of SQLite, 00006 of
// PostgreSQL). A rotation logs its one change through a key_rotations row,
// whose trigger writes the change log; the certificate tables' triggers log
// a change of their device or server.
const (
	keysSQL         = "SELECT id, role, cert, sealed, created, retired FROM signing_keys ORDER BY id"
	activeKeysSQL   = "SELECT id, role, cert, sealed, created, retired FROM signing_keys WHERE NOT retired ORDER BY id"
	addKeySQL       = "INSERT INTO signing_keys (role, cert, sealed, created, retired) VALUES (?, ?, ?, ?, ?) RETURNING id"
	retireKeySQL    = "UPDATE signing_keys SET retired = ? WHERE id = ? AND NOT retired"
	activeKeyIDsSQL = "SELECT id FROM signing_keys WHERE NOT retired"
	lockKeysSQL     = "LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE"
	logRotationSQL  = "INSERT INTO key_rotations (at) VALUES (?)"
	deviceSQL       = "SELECT 1 FROM devices WHERE name = ?"
	putCertSQL      = "INSERT INTO device_certs (device, cert) VALUES (?, ?) ON CONFLICT (device) DO UPDATE SET cert = excluded.cert"
	deleteCertSQL   = "DELETE FROM device_certs WHERE device = ?"
	deviceCertSQL   = "SELECT cert FROM device_certs WHERE device = ?"

	serverSQL           = "SELECT 1 FROM servers WHERE name = ?"
	putServerCertSQL    = "INSERT INTO server_certs (server, cert) VALUES (?, ?) ON CONFLICT (server) DO UPDATE SET cert = excluded.cert"
	deleteServerCertSQL = "DELETE FROM server_certs WHERE server = ?"
	serverCertsSQL      = "SELECT server, cert FROM server_certs ORDER BY server"
)

// RotateKeys implements store.KeyStore. On PostgreSQL the transaction
// first locks signing_keys against every other writer (SHARE ROW
// EXCLUSIVE: readers go on), so the check of the active keys and the
// writes are one step; on SQLite every write transaction begins
// IMMEDIATE, holding the database's write lock from its start.
func (s *DB) RotateKeys(ctx context.Context, active []int64, add []store.Key, retire []int64) ([]store.Key, error) {
	if len(add) == 0 && len(retire) == 0 {
		return nil, nil
	}
	now := time.Now().UTC()
	out := make([]store.Key, len(add))
	err := s.inTx(ctx, func(x *tx) error {
		if err := s.checkActiveKeys(x, active); err != nil {
			return err
		}
		for _, id := range retire {
			res, err := x.exec(retireKeySQL, true, id)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return errors.Join(fmt.Errorf("active signing key %d: %w", id, domain.ErrNotFound), err)
			}
		}
		for i, k := range add {
			k.Created = fromMicros(micros(now))
			if err := x.queryRow(addKeySQL, string(k.Role), k.Cert, k.Sealed, micros(k.Created), k.Retired).Scan(&k.ID); err != nil {
				return fmt.Errorf("adding a %s key: %w", k.Role, err)
			}
			out[i] = k
		}
		_, err := x.exec(logRotationSQL, micros(now))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkActiveKeys fails with store.ErrKeysChanged unless the IDs of the
// active keys are exactly want (in any order), after locking signing_keys
// on PostgreSQL.
func (s *DB) checkActiveKeys(x *tx, want []int64) error {
	if _, ok := s.d.(advisoryDialect); ok {
		if _, err := x.tx.ExecContext(x.ctx, lockKeysSQL); err != nil {
			return fmt.Errorf("locking the signing keys: %w", err)
		}
	}
	rows, err := x.query(activeKeyIDsSQL)
	if err != nil {
		return err
	}
	var have []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		have = append(have, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	if !sameIDs(have, want) {
		return fmt.Errorf("active keys %v, the caller saw %v: %w", have, want, store.ErrKeysChanged)
	}
	return nil
}

// sameIDs reports whether a and b hold the same IDs, each once.
func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	seen := make(map[int64]bool, len(a))
	for _, id := range a {
		seen[id] = true
	}
	for _, id := range b {
		if !seen[id] {
			return false
		}
		delete(seen, id)
	}
	return len(seen) == 0
}

// Keys implements store.KeyStore.
func (s *DB) Keys(ctx context.Context, retired bool) ([]store.Key, error) {
	q := activeKeysSQL
	if retired {
		q = keysSQL
	}
	rows, err := dbReader{s, ctx}.query(q)
	if err != nil {
		return nil, s.wrap(err)
	}
	var keys []store.Key
	for rows.Next() {
		var k store.Key
		var role string
		var created int64
		if err := rows.Scan(&k.ID, &role, &k.Cert, &k.Sealed, &created, &k.Retired); err != nil {
			rows.Close()
			return nil, s.wrap(err)
		}
		k.Role, k.Created = store.KeyRole(role), fromMicros(created)
		keys = append(keys, k)
	}
	return keys, s.wrap(errors.Join(rows.Err(), rows.Close()))
}

// certTable is a table of certificates of one kind of record (devices or
// servers): the statements that find the record and put and delete its
// certificate.
type certTable struct {
	kind                      string // "device", "server": for errors
	parentSQL, putSQL, delSQL string
}

// The certificate tables of the key store.
var (
	deviceCerts = certTable{"device", deviceSQL, putCertSQL, deleteCertSQL}
	serverCerts = certTable{"server", serverSQL, putServerCertSQL, deleteServerCertSQL}
)

// putCert stores der as the certificate of the record name of t's kind,
// which must exist.
func (s *DB) putCert(ctx context.Context, t certTable, name string, der []byte) error {
	if len(der) == 0 {
		return fmt.Errorf("certificate of %s %s: empty: %w", t.kind, name, domain.ErrInvalid)
	}
	return s.inTx(ctx, func(x *tx) error {
		var one int
		err := x.queryRow(t.parentSQL, name).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%s %s: %w", t.kind, name, domain.ErrNotFound)
		}
		if err != nil {
			return err
		}
		_, err = x.exec(t.putSQL, name, der)
		return err
	})
}

// deleteCert removes the certificate of the record name of t's kind.
func (s *DB) deleteCert(ctx context.Context, t certTable, name string) error {
	return s.inTx(ctx, func(x *tx) error {
		res, err := x.exec(t.delSQL, name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(fmt.Errorf("certificate of %s %s: %w", t.kind, name, domain.ErrNotFound), err)
		}
		return nil
	})
}

// PutDeviceCert implements store.KeyStore.
func (s *DB) PutDeviceCert(ctx context.Context, device string, der []byte) error {
	return s.putCert(ctx, deviceCerts, device, der)
}

// DeleteDeviceCert implements store.KeyStore.
func (s *DB) DeleteDeviceCert(ctx context.Context, device string) error {
	return s.deleteCert(ctx, deviceCerts, device)
}

// DeviceCert implements store.KeyStore.
func (s *DB) DeviceCert(ctx context.Context, device string) ([]byte, error) {
	var der []byte
	err := dbReader{s, ctx}.queryRow(deviceCertSQL, device).Scan(&der)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("certificate of device %s: %w", device, domain.ErrNotFound)
	}
	return der, s.wrap(err)
}

// PutServerCert implements store.KeyStore.
func (s *DB) PutServerCert(ctx context.Context, server string, der []byte) error {
	return s.putCert(ctx, serverCerts, server, der)
}

// DeleteServerCert implements store.KeyStore.
func (s *DB) DeleteServerCert(ctx context.Context, server string) error {
	return s.deleteCert(ctx, serverCerts, server)
}

// ServerCerts implements store.KeyStore.
func (s *DB) ServerCerts(ctx context.Context) (map[string][]byte, error) {
	rows, err := dbReader{s, ctx}.query(serverCertsSQL)
	if err != nil {
		return nil, s.wrap(err)
	}
	out := map[string][]byte{}
	for rows.Next() {
		var name string
		var der []byte
		if err := rows.Scan(&name, &der); err != nil {
			rows.Close()
			return nil, s.wrap(err)
		}
		out[name] = der
	}
	return out, s.wrap(errors.Join(rows.Err(), rows.Close()))
}
