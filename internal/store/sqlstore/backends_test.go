package sqlstore_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"cmtftp/internal/store/postgres"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
)

// envPostgres names the server ./scripts/test starts (as in the postgres
// package's tests).
const envPostgres = "CMTFTP_TEST_POSTGRES"

// opener opens one more store on a database a test made.
type opener func(ctx context.Context) (*sqlstore.DB, error)

// backends make a new, empty database each and return how to open a store
// on it: a SQLite file, or a new database on the PostgreSQL that
// CMTFTP_TEST_POSTGRES names (the test fails without it, as the store
// suite does). Each store opened is closed when the test ends.
var backends = []struct {
	name string
	make func(tb testing.TB) opener
}{
	{"sqlite", func(tb testing.TB) opener {
		path := filepath.Join(tb.TempDir(), "cmtftp.db")
		return closing(tb, func(ctx context.Context) (*sqlstore.DB, error) { return sqlite.Open(ctx, path) })
	}},
	{"postgres", func(tb testing.TB) opener {
		dsn := newPostgresDB(tb)
		return closing(tb, func(ctx context.Context) (*sqlstore.DB, error) { return postgres.Open(ctx, dsn) })
	}},
}

// closing wraps open so each store it opens is closed at the test's end
// (before the database is dropped: cleanups run last first).
func closing(tb testing.TB, open opener) opener {
	return func(ctx context.Context) (*sqlstore.DB, error) {
		s, err := open(ctx)
		if err == nil {
			tb.Cleanup(func() { s.Close() })
		}
		return s, err
	}
}

// openStore opens one store with open, failing the test if it can't.
func openStore(tb testing.TB, open opener) *sqlstore.DB {
	tb.Helper()
	s, err := open(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

var pgSeq atomic.Int64

// newPostgresDB creates a database of its own on the test PostgreSQL,
// dropped when the test ends, and returns its DSN.
func newPostgresDB(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(envPostgres)
	if dsn == "" {
		tb.Fatalf("%s is not set: run ./scripts/test, which starts a throwaway PostgreSQL", envPostgres)
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("connect to test PostgreSQL: %v", err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("cmtftp_sqlstore_%d_%d", os.Getpid(), pgSeq.Add(1))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0"); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if c, err := pgx.Connect(ctx, dsn); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
