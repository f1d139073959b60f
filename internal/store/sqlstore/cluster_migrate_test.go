package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"cmtftp/internal/store/sqlstore"
)

// TestMigrateConcurrently: four servers opening one fresh database at the
// same moment all start, and goose's history holds every migration once.
func TestMigrateConcurrently(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			open := be.make(t)
			const servers = 4
			stores := make([]*sqlstore.DB, servers)
			errs := make([]error, servers)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range servers {
				wg.Go(func() {
					<-start
					stores[i], errs[i] = open(context.Background())
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("server %d: %v", i, err)
				}
			}
			rows, err := stores[0].SQL().Query("SELECT version_id, COUNT(*) FROM goose_db_version WHERE version_id > 0 GROUP BY version_id ORDER BY version_id")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var versions []int64
			for rows.Next() {
				var v, n int64
				if err := rows.Scan(&v, &n); err != nil {
					t.Fatal(err)
				}
				if n != 1 {
					t.Errorf("migration %d applied %d times", v, n)
				}
				versions = append(versions, v)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if len(versions) < 4 {
				t.Errorf("migrations applied: %v", versions)
			}
		})
	}
}

// TestMigrateRefusesNewer: a database whose goose history has a version
// above this binary's newest migration is refused, with both versions in
// the message, before any migration runs (a migration missing from the
// history stays unapplied).
func TestMigrateRefusesNewer(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			open := be.make(t)
			s := openStore(t, open)
			var known int64
			if err := s.SQL().QueryRow("SELECT MAX(version_id) FROM goose_db_version").Scan(&known); err != nil {
				t.Fatal(err)
			}
			// Undo migration 3 (two indexes) and record a version from the future.
			for _, q := range []string{"DROP INDEX device_profiles_dial_plan", "DROP INDEX device_profiles_softkey",
				"DELETE FROM goose_db_version WHERE version_id = 3",
				"INSERT INTO goose_db_version(version_id, is_applied) VALUES (99, true)"} {
				if _, err := s.SQL().Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			_, err := open(ctx)
			var newer *sqlstore.SchemaNewerError
			if !errors.Is(err, sqlstore.ErrSchemaNewer) || !errors.As(err, &newer) || newer.Database != 99 || newer.Known != known {
				t.Fatalf("open of a newer database: %v; want a SchemaNewerError 99 > %d", err, known)
			}
			if msg := err.Error(); !strings.Contains(msg, "version 99") || !strings.Contains(msg, fmt.Sprintf("at most %d", known)) {
				t.Errorf("message %q does not name both versions", msg)
			}
			var applied int
			if err := s.SQL().QueryRow("SELECT COUNT(*) FROM goose_db_version WHERE version_id = 3").Scan(&applied); err != nil || applied != 0 {
				t.Errorf("migration 3 ran before the refusal (%d rows, %v)", applied, err)
			}
		})
	}
}
