package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlstore"
)

// bulkLines inserts n lines in one statement of plain SQL: n change rows
// in one commit.
func bulkLines(t *testing.T, s *sqlstore.DB, prefix string, n int) {
	t.Helper()
	q := fmt.Sprintf(`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %d)
		INSERT INTO lines (number) SELECT '%s' || CAST(n AS TEXT) FROM g`, n, prefix)
	if _, err := s.SQL().ExecContext(context.Background(), q); err != nil {
		t.Fatal(err)
	}
}

// nextChange reads one change from ch, failing the test after 10 s or
// when the feed closes.
func nextChange(t *testing.T, ch <-chan store.Change) store.Change {
	t.Helper()
	select {
	case c, ok := <-ch:
		if !ok {
			t.Fatal("the feed closed")
		}
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("no change within 10 s")
	}
	return store.Change{}
}

// TestFeedPrunedWhileConnected: a reader that stays connected but falls
// behind the retention (it stopped reading while 2,500 changes came, and
// the log was pruned to its newest row) is told to resync before the
// change after the hole — it never skips the pruned rows silently; a
// reader that is not behind gets no resync from the same prune, nor from
// the holes rolled-back writes leave in the IDs.
func TestFeedPrunedWhileConnected(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			s := siteStore(t, be.make(t))
			from, err := s.LastChange(ctx)
			if err != nil {
				t.Fatal(err)
			}
			slow, err := s.Changes(ctx, from) // read only after the prune
			if err != nil {
				t.Fatal(err)
			}
			bulkLines(t, s, "81", 2500)
			newest, _ := s.LastChange(ctx)
			if _, err := s.Prune(ctx, -time.Hour); err != nil {
				t.Fatal(err)
			}
			prev, resyncs, n := from, 0, 0
			for prev != newest {
				c := nextChange(t, slow)
				switch {
				case c.Kind == store.KindResync:
					resyncs++
				case resyncs == 0 && c.ID != prev+1:
					t.Fatalf("change %d after %d with no resync: pruned rows skipped silently", c.ID, prev)
				case resyncs > 0 && c.ID != newest:
					t.Fatalf("change %d after the resync, want only the newest kept, %d", c.ID, newest)
				}
				if c.Kind != store.KindResync {
					prev, n = c.ID, n+1
				}
			}
			if resyncs != 1 || n >= 2500 {
				t.Fatalf("%d resyncs, %d of 2,500 changes read: want one resync in place of the pruned rows", resyncs, n)
			}

			// A reader at the newest row: the prune took nothing it needs,
			// and a rolled-back write leaves a hole that is no prune.
			current, err := s.Changes(ctx, newest)
			if err != nil {
				t.Fatal(err)
			}
			tx, err := s.SQL().BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO lines (number) VALUES ('8299')"); err != nil {
				t.Fatal(err)
			}
			tx.Rollback()
			if _, err := s.Put(ctx, &domain.Line{Number: "8300"}); err != nil {
				t.Fatal(err)
			}
			if c := nextChange(t, current); c.Kind != domain.KindLine || c.Key != "8300" {
				t.Fatalf("reader not behind got %v, want the new line and no resync", c)
			}
		})
	}
}

// TestFeedClosesWhenTheDatabaseFails: the feed ends (its channel closes)
// when its database goes away, so the caller reopens it from the last
// change it got, rather than a reader retrying unseen forever.
func TestFeedClosesWhenTheDatabaseFails(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s := openStore(t, be.make(t))
			ch, err := s.Changes(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			for range ch { // drained until it closes; a feed that does not close fails by the deadline
			}
			if ctx.Err() != nil {
				t.Fatal("the feed did not close when its database did")
			}
		})
	}
}
