package storetest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
)

// EnvPostgres names the environment variable holding the DSN of the
// throwaway PostgreSQL that ./scripts/test (and ./scripts/bench) starts.
const EnvPostgres = "CMTFTP_TEST_POSTGRES"

var pgSeq atomic.Int64

// NewPostgresDB creates a database of its own on the test PostgreSQL,
// dropped when the test ends, and returns its DSN. Without EnvPostgres
// set the test fails: PostgreSQL cases are never skipped.
func NewPostgresDB(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(EnvPostgres)
	if dsn == "" {
		tb.Fatalf("%s is not set: run ./scripts/test, which starts a throwaway PostgreSQL", EnvPostgres)
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("connect to test PostgreSQL: %v", err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("cmtftp_test_%d_%d", os.Getpid(), pgSeq.Add(1))
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
