package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"cmtftp/internal/store/postgres"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

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
		dsn := storetest.NewPostgresDB(tb)
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

// siteStore opens one store with open and writes storetest.Site to it.
func siteStore(tb testing.TB, open opener) *sqlstore.DB {
	tb.Helper()
	s := openStore(tb, open)
	if _, err := s.Apply(context.Background(), storetest.Site()); err != nil {
		tb.Fatal(err)
	}
	return s
}
