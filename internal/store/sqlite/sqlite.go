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
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// A change-feed reader learns of commits by other processes from inotify
// (fsnotify) events on the database's WAL file, then confirms with PRAGMA
// data_version (a counter in the shared WAL index that changes when any
// other connection commits). It costs nothing while nothing is written.
// Where file events are not available it polls every PollInterval, and it
// always looks every IdleCheck in case an event was missed.
const (
	PollInterval = 2 * time.Millisecond
	IdleCheck    = time.Second
	Burst        = 100 * time.Millisecond
)

// Open opens (creating if needed) the SQLite database at path, applies
// migrations and returns the store.
func Open(ctx context.Context, path string) (*sqlstore.DB, error) {
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	db.SetConnMaxIdleTime(0)
	if err := ping(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: sqlite %s: %v", store.ErrUnavailable, path, err)
	}
	if err := Migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	s, err := sqlstore.New(ctx, db, &dialect{db: db, path: path})
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// ping opens the first connection, which turns a new file to WAL: that
// takes the file's exclusive lock and answers SQLITE_BUSY at once, without
// waiting, while another process opens the same new file; it is tried
// again for up to 10 s.
func ping(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := db.PingContext(ctx)
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// dsn is the driver's data source name for the database file at path:
// every connection waits for locks, enforces foreign keys and uses WAL.
func dsn(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// Migrate applies the embedded migrations.
func Migrate(ctx context.Context, db *sql.DB) error { return migrate(ctx, db, migrations) }

// migrate applies the migrations in fsys's "migrations" folder.
func migrate(ctx context.Context, db *sql.DB, fsys fs.FS) error {
	return sqlstore.Migrate(ctx, db, goose.DialectSQLite3, fsys, "sqlite")
}

type dialect struct {
	db   *sql.DB
	path string
}

func (*dialect) Rebind(q string) string { return q }

func (*dialect) Classify(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return domain.ErrExists
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return domain.ErrInUse
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return domain.ErrInvalid
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
	w := &waiter{c: c, wal: d.path + "-wal"}
	if err := c.QueryRowContext(ctx, "PRAGMA data_version").Scan(&w.version); err != nil {
		c.Close()
		return nil, err
	}
	// Watch the directory: the WAL file comes and goes with checkpoints
	// and the last connection closing.
	if fw, err := fsnotify.NewWatcher(); err == nil {
		if fw.Add(filepath.Dir(d.path)) == nil {
			w.files = fw
		} else {
			fw.Close()
		}
	}
	return w, nil
}

type waiter struct {
	c       *sql.Conn
	version int64
	wal     string
	files   *fsnotify.Watcher // nil: poll
	// burstUntil: poll closely until then (after a WAL event).
	burstUntil time.Time
}

// Wait implements sqlstore.Waiter. A WAL event can come before the commit
// that caused it is visible, so after one the reader polls every
// PollInterval for Burst, then goes back to waiting for events.
func (w *waiter) Wait(ctx context.Context, nudge <-chan struct{}) error {
	var events <-chan fsnotify.Event
	var errs <-chan error
	if w.files != nil {
		events, errs = w.files.Events, w.files.Errors
	}
	for {
		every := IdleCheck
		if w.files == nil || time.Now().Before(w.burstUntil) {
			every = PollInterval
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-nudge:
			t.Stop()
			return nil
		case ev := <-events:
			t.Stop()
			if ev.Name != w.wal && ev.Name != strings.TrimSuffix(w.wal, "-wal") {
				continue
			}
			w.burstUntil = time.Now().Add(Burst)
		case <-errs: // an overflow: look now
			t.Stop()
			w.burstUntil = time.Now().Add(Burst)
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

// Close implements sqlstore.Waiter.
func (w *waiter) Close() error {
	if w.files != nil {
		w.files.Close()
	}
	return w.c.Close()
}

func (*dialect) JSONArray() string { return "json_array" }
