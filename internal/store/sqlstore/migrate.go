package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// ErrSchemaNewer is the error of Migrate against a database migrated by a
// newer cmtftp than this one (a *SchemaNewerError says the versions).
var ErrSchemaNewer = errors.New("database schema newer than this cmtftp")

// SchemaNewerError is Migrate's refusal of a database whose schema version
// is above the highest migration this binary embeds.
type SchemaNewerError struct {
	// Name is the backend ("sqlite", "postgres").
	Name string
	// Database and Known are the database's schema version and the
	// highest this binary knows.
	Database, Known int64
}

func (e *SchemaNewerError) Error() string {
	return fmt.Sprintf("%s: the database's schema is version %d, newer than this cmtftp understands (at most %d): "+
		"it was migrated by a newer cmtftp; run that version (or newer) here too, or point this server at another database",
		e.Name, e.Database, e.Known)
}

// Is makes errors.Is(err, ErrSchemaNewer) hold.
func (e *SchemaNewerError) Is(target error) bool { return target == ErrSchemaNewer }

// Migrate applies the migrations in the "migrations" folder of fsys with
// goose, one schema history per dialect; name prefixes errors. A database
// whose schema is newer than the migrations is refused before anything
// runs (*SchemaNewerError).
//
// Several servers may start at once against one database: on PostgreSQL
// they take turns under a session advisory lock (LockMigrate, held on a
// connection of its own across the check and the migrations), so each
// migration runs exactly once. SQLite serialises writers by itself, but
// goose reads the applied versions before its write transaction, so a
// second process may find a migration applied under it (the statement
// fails, its transaction rolls back): as long as the schema version grew
// meanwhile — another process is migrating — the history is read again
// and the rest applied.
func Migrate(ctx context.Context, db *sql.DB, dialect goose.Dialect, fsys fs.FS, name string) error {
	sub, err := fs.Sub(fsys, "migrations")
	if err != nil {
		return fmt.Errorf("%s: migrations: %w", name, err)
	}
	p, err := goose.NewProvider(dialect, db, sub)
	if err != nil {
		return fmt.Errorf("%s: migrations: %w", name, err)
	}
	locked := dialect == goose.DialectPostgres
	if locked {
		unlock, err := AdvisoryLock(ctx, db, LockMigrate)
		if err != nil {
			return fmt.Errorf("%s: migration lock: %w", name, err)
		}
		defer unlock()
	}
	for {
		if !locked {
			appliedOnce(ctx, db)
		}
		before, err := migrateOnce(ctx, p, name)
		if err == nil || locked || errors.Is(err, ErrSchemaNewer) || ctx.Err() != nil {
			return err
		}
		if after, verr := p.GetDBVersion(ctx); verr != nil || after <= before {
			return err // no one else made progress: a real failure
		}
	}
}

// appliedOnce makes goose's history refuse a second row for a version
// (SQLite, which has no advisory lock): of two servers opening one file at
// once, both may find a migration pending, and goose applies it and
// records its version in one transaction — the second one's record now
// fails, so its whole transaction rolls back and Migrate's loop finds the
// migration done. It does nothing until goose has made its table, and
// leaves a history that already holds a version twice as it is.
func appliedOnce(ctx context.Context, db *sql.DB) {
	var n int
	if db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'").Scan(&n) != nil || n == 0 {
		return
	}
	db.ExecContext(ctx, "CREATE UNIQUE INDEX IF NOT EXISTS goose_db_version_once ON goose_db_version (version_id)")
}

// migrateOnce refuses a newer schema, then applies what is pending; it
// returns the schema version it found.
func migrateOnce(ctx context.Context, p *goose.Provider, name string) (int64, error) {
	srcs := p.ListSources()
	if len(srcs) == 0 {
		return 0, nil
	}
	known := srcs[len(srcs)-1].Version
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("%s: schema version: %w", name, err)
	}
	if current > known {
		return current, &SchemaNewerError{Name: name, Database: current, Known: known}
	}
	if _, err := p.Up(ctx); err != nil {
		return current, fmt.Errorf("%s: migrate: %w", name, err)
	}
	return current, nil
}

// AdvisoryLock waits for the PostgreSQL session advisory lock key on a
// connection of its own and returns the function that releases it.
func AdvisoryLock(ctx context.Context, db *sql.DB, key int64) (unlock func(), err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		conn.Close()
		return nil, err
	}
	return func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn }) // the session may hold it still: drop it
		}
		conn.Close()
	}, nil
}
