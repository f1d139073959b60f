package assembly

import (
	"context"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlstore"
)

// changeRows counts the rows of the change log of a SQL store.
func changeRows(t *testing.T, st store.Store) int {
	t.Helper()
	var n int
	if err := st.(*sqlstore.DB).SQL().QueryRow("SELECT COUNT(*) FROM changes").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPruneChangeLog: over a real SQLite file, a server keeping changes
// for a millisecond prunes the demo site's changes down to the newest; a
// follower that was behind the pruned part is told to resync; the server
// itself still follows new changes. The default keeps a week: nothing of
// a fresh site goes, and a negative keep never prunes.
func TestPruneChangeLog(t *testing.T) {
	for _, tc := range []struct {
		name   string
		keep   time.Duration
		pruned bool
	}{{"a millisecond", time.Millisecond, true}, {"the default week", 0, false}, {"never", -1, false}} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _, st := startDemo(t, Config{ChangeLogKeep: tc.keep, pruneEvery: 20 * time.Millisecond})
			time.Sleep(200 * time.Millisecond) // several rounds of pruning
			rows := changeRows(t, st)
			for deadline := time.Now().Add(10 * time.Second); tc.pruned && rows != 1 && time.Now().Before(deadline); {
				time.Sleep(20 * time.Millisecond) // a loaded machine: the rounds come late
				rows = changeRows(t, st)
			}
			if tc.pruned && rows != 1 || !tc.pruned && rows < len(domain.DemoSite().Devices) {
				t.Fatalf("change log of %d rows; want pruned = %v", rows, tc.pruned)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if tc.pruned {
				ch, err := st.Changes(ctx, 1) // a follower that read only the first change
				if err != nil {
					t.Fatal(err)
				}
				if first := <-ch; first.Kind != store.KindResync {
					t.Errorf("a follower behind the pruned log got %v first, want a resync", first)
				}
			}
			d, err := store.Get[*domain.Device](ctx, st, "SEP0000DE000001")
			if err != nil {
				t.Fatal(err)
			}
			d.Name, d.MAC, d.Lines = "SEP0000DE0000AB", "0000DE0000AB", nil
			if _, err := st.Put(ctx, d); err != nil {
				t.Fatal(err)
			}
			for !srv.known.KnownMAC("0000DE0000AB") {
				if ctx.Err() != nil {
					t.Fatal("the server did not follow a change after pruning")
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
}
