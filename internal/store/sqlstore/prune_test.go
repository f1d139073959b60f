package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store/sqlstore"
)

// TestPrune: Prune deletes exactly the change-log rows older than its age,
// in several transactions when they span more than one chunk, always keeps
// the newest row, and on a log with nothing old deletes nothing.
func TestPrune(t *testing.T) {
	defer sqlstore.SetPruneChunk(7)()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, be.make(t))
			put := func(from, n int) {
				for i := from; i < from+n; i++ {
					if _, err := s.Put(ctx, &domain.Line{Number: fmt.Sprint(7000 + i)}); err != nil {
						t.Fatal(err)
					}
				}
			}
			put(0, 30)
			old := changeIDs(t, s)
			time.Sleep(20 * time.Millisecond)
			mark := time.Now()
			time.Sleep(20 * time.Millisecond)
			put(30, 10)
			young := changeIDs(t, s)[len(old):]
			if n, err := s.Prune(ctx, time.Hour); err != nil || n != 0 {
				t.Fatalf("Prune(1h) = %d, %v; want 0 deleted", n, err)
			}
			n, err := s.Prune(ctx, time.Since(mark))
			if err != nil || n != int64(len(old)) {
				t.Fatalf("Prune(since the mark) = %d, %v; want the %d rows before it", n, err, len(old))
			}
			if got := changeIDs(t, s); !slices.Equal(got, young) {
				t.Fatalf("left %v, want the rows after the mark %v", got, young)
			}
			if _, err := s.Prune(ctx, -time.Hour); err != nil {
				t.Fatal(err)
			}
			if got := changeIDs(t, s); !slices.Equal(got, young[len(young)-1:]) {
				t.Fatalf("Prune(-1h) left %v, want only the newest %v", got, young[len(young)-1])
			}
		})
	}
}

// changeIDs returns the IDs in s's change log, in order.
func changeIDs(t *testing.T, s *sqlstore.DB) []int64 {
	t.Helper()
	rows, err := s.SQL().QueryContext(context.Background(), "SELECT id FROM changes ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}
