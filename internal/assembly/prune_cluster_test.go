package assembly

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store/postgres"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

// sqlstoreAdmin connects to the test PostgreSQL's own database (to alter
// and terminate the test's database from outside).
func sqlstoreAdmin(t *testing.T) (*sql.DB, error) {
	return pgHandle(t, os.Getenv(storetest.EnvPostgres))
}

func pgHandle(t *testing.T, dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err == nil {
		t.Cleanup(func() { db.Close() })
	}
	return db, err
}

// TestPruneOneServerAtATime: on PostgreSQL, while another server holds
// the prune lock, a server's rounds skip silently (the log keeps its
// rows, no warning); once it is released, the server prunes.
func TestPruneOneServerAtATime(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.NewPostgresDB(t)
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Apply(ctx, domain.DemoSite()); err != nil {
		t.Fatal(err)
	}
	other, err := pgHandle(t, dsn)
	if err != nil {
		t.Fatal(err)
	}
	holder, err := other.Conn(ctx) // the other server's session
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, "SELECT pg_advisory_lock($1)", sqlstore.LockPrune); err != nil {
		t.Fatal(err)
	}
	_, logs, _ := startOn(t, st, Config{ChangeLogKeep: time.Millisecond, pruneEvery: 20 * time.Millisecond, Heartbeat: -1})
	time.Sleep(300 * time.Millisecond) // many rounds
	if rows := changeRows(t, st); rows < len(domain.DemoSite().Devices) {
		t.Fatalf("pruned to %d rows while another server held the lock", rows)
	}
	if _, err := holder.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", sqlstore.LockPrune); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); changeRows(t, st) != 1; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not pruned after the lock was released: %d rows", changeRows(t, st))
		}
	}
	if out := logs.String(); strings.Contains(out, "not pruned") {
		t.Errorf("a skipped round was logged:\n%s", out)
	}
}
