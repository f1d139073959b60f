package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/postgres"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

// errStop is what a callback returns to stop EachSplit.
var errStop = errors.New("stop")

// TestEachSplit: on SQLite and PostgreSQL, EachSplit's readers give every
// record of a kind once, as Each does (lists included), each reader its
// own range of keys in key order, the ranges ascending with the reader
// number; and a callback's error stops every reader and is returned.
func TestEachSplit(t *testing.T) {
	backends := []struct {
		name string
		open func(t *testing.T) *sqlstore.DB
	}{
		{"sqlite", func(t *testing.T) *sqlstore.DB {
			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "each.db"))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"postgres", func(t *testing.T) *sqlstore.DB {
			s, err := postgres.Open(context.Background(), storetest.NewPostgresDB(t))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t)
			t.Cleanup(func() { s.Close() })
			if _, err := s.Apply(context.Background(), splitSite(200)); err != nil {
				t.Fatal(err)
			}
			for _, k := range []domain.Kind{domain.KindDevice, domain.KindLine, domain.KindPool} {
				for _, n := range []int{1, 2, 3, 7, 1000} {
					checkSplit(t, s, k, n)
				}
			}
			var calls atomic.Int32 // f runs on both readers at once
			err := store.EachSplit(context.Background(), s, domain.KindDevice, 2, func(int, domain.Entity) error {
				calls.Add(1)
				return errStop
			})
			if n := calls.Load(); !errors.Is(err, errStop) || n > 2 {
				t.Errorf("a callback's error: EachSplit returned %v after %d records, want errStop after at most 2", err, n)
			}
		})
	}
}

// checkSplit reads kind k of s by n readers and compares with Each.
func checkSplit(t *testing.T, s *sqlstore.DB, k domain.Kind, n int) {
	t.Helper()
	var want []domain.Entity
	if err := store.Each(context.Background(), s, k, func(e domain.Entity) error { want = append(want, e); return nil }); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	parts := make([][]domain.Entity, n)
	err := store.EachSplit(context.Background(), s, k, n, func(r int, e domain.Entity) error {
		mu.Lock()
		defer mu.Unlock()
		parts[r] = append(parts[r], e)
		return nil
	})
	if err != nil {
		t.Fatalf("%s by %d: %v", k, n, err)
	}
	var got []domain.Entity
	for _, p := range parts {
		got = append(got, p...)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s by %d readers: %d records, not Each's %d in key order", k, n, len(got), len(want))
	}
	if used := nonEmpty(parts); n > 1 && len(want) >= n && used < 2 {
		t.Errorf("%s by %d readers: %d of them read anything", k, n, used)
	}
}

// nonEmpty counts the parts holding a record.
func nonEmpty(parts [][]domain.Entity) int {
	n := 0
	for _, p := range parts {
		if len(p) > 0 {
			n++
		}
	}
	return n
}

// splitSite is the fixture site and n more phones, each with a line.
func splitSite(n int) *domain.Site {
	s := storetest.Site()
	tmpl := *s.Devices[0]
	for i := range n {
		d := tmpl
		d.Name, d.MAC = "", fmt.Sprintf("0022AA%06X", i)
		num := fmt.Sprint(70000 + i)
		s.Lines = append(s.Lines, &domain.Line{Number: num, DisplayName: "User " + num})
		d.Lines = []domain.Appearance{{Button: 1, Line: num}}
		s.Devices = append(s.Devices, &d)
	}
	return s
}
