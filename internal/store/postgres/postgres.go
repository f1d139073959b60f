// Package postgres is the cluster backend: several cmtftp servers share one
// PostgreSQL database through pgx, and triggers wake every server's change
// feed with LISTEN/NOTIFY.
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Channel is the NOTIFY channel the change-log trigger signals.
const Channel = "cmtftp_changes"

// FallbackPoll is how often a reader looks at the change log even without
// a notification: a notification is only a hint, the log is the truth.
const FallbackPoll = time.Second

// Open connects to the PostgreSQL database named by dsn (a postgres:// URL
// or key=value string), applies migrations and returns the store. One
// store holds at most 16 connections, plus one per change-feed reader
// (LISTEN) while it runs.
func Open(ctx context.Context, dsn string) (*sqlstore.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: postgres %s@%s:%d/%s: %v", store.ErrUnavailable, cfg.User, cfg.Host, cfg.Port, cfg.Database, err)
	}
	s, err := setUp(ctx, db, cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// setUp migrates db and opens the store on it (seeding the model
// catalogue) while holding sqlstore.LockOpen, so servers starting at once
// take turns: each migration and each catalogue row is written once.
func setUp(ctx context.Context, db *sql.DB, cfg *pgx.ConnConfig) (*sqlstore.DB, error) {
	unlock, err := sqlstore.AdvisoryLock(ctx, db, sqlstore.LockOpen)
	if err != nil {
		return nil, fmt.Errorf("postgres: start-up lock: %w", err)
	}
	defer unlock()
	if err := Migrate(ctx, db); err != nil {
		return nil, err
	}
	return sqlstore.New(ctx, db, sqlstore.WithAdvisoryLocks(&dialect{cfg: cfg}))
}

// Migrate applies the embedded migrations, one server at a time under an
// advisory lock, and refuses a database newer than them
// (sqlstore.SchemaNewerError).
func Migrate(ctx context.Context, db *sql.DB) error {
	return sqlstore.Migrate(ctx, db, goose.DialectPostgres, migrations, "postgres")
}

type dialect struct{ cfg *pgx.ConnConfig }

func (*dialect) Rebind(q string) string { return sqlstore.RebindDollar(q) }

func (*dialect) Classify(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return domain.ErrExists
		case "23503":
			return domain.ErrInUse
		case "23514", "23502", "22001":
			return domain.ErrInvalid
		case "57P01", "57P02", "57P03", "53300", "08000", "08003", "08006":
			return store.ErrUnavailable
		}
		return nil
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || pgconn.Timeout(err) {
		return store.ErrUnavailable
	}
	return nil
}

// NewWaiter returns a waiter with its own connection that LISTENs on
// Channel. The waiter does not reconnect: when its connection breaks,
// Wait fails, the reader's feed closes and its caller reopens it (a new
// waiter), reading the log from the last change it got.
func (d *dialect) NewWaiter(ctx context.Context) (sqlstore.Waiter, error) {
	c, err := pgx.ConnectConfig(ctx, d.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := c.Exec(ctx, "LISTEN "+Channel); err != nil {
		c.Close(ctx)
		return nil, err
	}
	return &waiter{conn: c}, nil
}

type waiter struct{ conn *pgx.Conn }

// Wait returns on a notification, a nudge or FallbackPoll, whichever
// comes first, and fails when the connection does.
func (w *waiter) Wait(ctx context.Context, nudge <-chan struct{}) error {
	wctx, cancel := context.WithTimeout(ctx, FallbackPoll)
	defer cancel()
	go func() {
		select {
		case <-nudge:
			cancel()
		case <-wctx.Done():
		}
	}()
	_, err := w.conn.WaitForNotification(wctx)
	if err != nil && wctx.Err() != nil && ctx.Err() == nil && !w.conn.IsClosed() {
		return nil // timeout or nudge: look at the log
	}
	return err
}

func (w *waiter) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return w.conn.Close(ctx)
}

func (*dialect) JSONArray() string { return "json_build_array" }
