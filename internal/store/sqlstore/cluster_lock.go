package sqlstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
)

// Keys of the PostgreSQL advisory locks cmtftp takes (one number space
// per database, shared with every other user of it: these are "cmtftp"
// and a task in ASCII, unlikely to collide).
const (
	// LockMigrate serialises the migrations of servers starting at once.
	LockMigrate int64 = 0x636d7466_74700001
	// LockOpen serialises the whole start of servers opening one database
	// at once: migrations and the seeding of the model catalogue.
	LockOpen int64 = 0x636d7466_74700003
	// LockPrune lets one server of a cluster prune the change log per round.
	LockPrune int64 = 0x636d7466_74700002
)

// advisoryDialect is a Dialect whose database has session advisory locks
// (PostgreSQL's pg_try_advisory_lock).
type advisoryDialect struct{ Dialect }

// WithAdvisoryLocks marks d as a dialect with PostgreSQL's advisory locks,
// which Exclusive uses: the postgres backend wraps its dialect with it.
func WithAdvisoryLocks(d Dialect) Dialect { return advisoryDialect{d} }

// Exclusive runs f unless another server of the cluster runs a task under
// the same key at this moment, and reports whether f ran. On PostgreSQL
// the key is a session advisory lock held, on one connection of its own,
// while f runs (released by the database if the connection dies); on a
// database without advisory locks (SQLite: one host, its writes
// serialised by the file) f always runs.
func (s *DB) Exclusive(ctx context.Context, key int64, f func(context.Context) error) (ran bool, err error) {
	if _, ok := s.d.(advisoryDialect); !ok {
		return true, f(ctx)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return false, s.wrap(err)
	}
	defer conn.Close()
	var locked bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&locked); err != nil {
		return false, s.wrap(err)
	}
	if !locked {
		return false, nil
	}
	defer func() {
		// A detached context: the lock must go even when ctx ended.
		_, uerr := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key)
		if uerr != nil {
			// The session may still hold the lock: drop the connection
			// rather than return it to the pool.
			conn.Raw(func(any) error { return driver.ErrBadConn })
			err = errors.Join(err, fmt.Errorf("advisory unlock: %w", s.wrap(uerr)))
		}
	}()
	return true, f(ctx)
}
