// Package sqlite is the embedded default backend: a SQLite file through the
// pure-Go modernc.org/sqlite driver, in WAL mode, with the schema migrated
// by goose at open.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// PollInterval is how often a change-feed reader asks SQLite whether
// another connection committed (PRAGMA data_version: a cheap read of a
// counter in the shared WAL index).
const PollInterval = 2 * time.Millisecond

// Open opens (creating if needed) the SQLite database at path, applies
// migrations and returns the store.
func Open(ctx context.Context, path string) (*sqlstore.DB, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: sqlite %s: %v", store.ErrUnavailable, path, err)
	}
	if err := Migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	s, err := sqlstore.New(ctx, db, &dialect{db: db})
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Migrate applies the embedded migrations.
func Migrate(ctx context.Context, db *sql.DB) error {
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	return nil
}

type dialect struct{ db *sql.DB }

func (*dialect) Rebind(q string) string { return q }

func (*dialect) Classify(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return store.ErrExists
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return store.ErrInUse
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return store.ErrInvalid
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_READONLY,
		sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL:
		return store.ErrUnavailable
	}
	return nil
}

// NewWaiter returns a waiter on its own connection, which polls
// PRAGMA data_version: the value changes when any other connection, in
// this process or another, commits.
func (d *dialect) NewWaiter(ctx context.Context) (sqlstore.Waiter, error) {
	c, err := d.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	w := &waiter{c: c}
	if err := c.QueryRowContext(ctx, "PRAGMA data_version").Scan(&w.version); err != nil {
		c.Close()
		return nil, err
	}
	return w, nil
}

type waiter struct {
	c       *sql.Conn
	version int64
}

func (w *waiter) Wait(ctx context.Context, nudge <-chan struct{}) error {
	t := time.NewTicker(PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-nudge:
			return nil
		case <-t.C:
		}
		var v int64
		if err := w.c.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
			return err
		}
		if v != w.version {
			w.version = v
			return nil
		}
	}
}

func (w *waiter) Close() error { return w.c.Close() }

func (*dialect) JSONArray() string { return "json_array" }
