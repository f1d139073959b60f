package store_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

// loadingHandler commits a change while it loads (its first resync), as
// another server's write may land while a large site's state is read, and
// records every change it is handed after that.
type loadingHandler struct {
	t      *testing.T
	s      store.Store
	loaded bool
	first  store.Change // the resync Start began with
	got    chan store.Change
}

func (h *loadingHandler) HandleChange(ctx context.Context, c store.Change) {
	if !h.loaded {
		h.loaded, h.first = true, c
		if _, err := h.s.Put(ctx, &domain.Line{Number: "4100", DisplayName: "renamed while loading"}); err != nil {
			h.t.Error(err)
		}
		return
	}
	h.got <- c
}

// TestFeedStartLosesNothing: a change committed while the handlers load
// their state (during Start's first resync) is delivered afterwards. The
// feed's position is read before they load, not after, and the resync
// carries it (what a server reports as applied).
func TestFeedStartLosesNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := openSite(ctx, t)
	h := &loadingHandler{t: t, s: s, got: make(chan store.Change, 16)}
	f := store.NewFeed(s, nil, prometheus.NewRegistry())
	f.Register(h)
	last, err := s.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.Start(ctx)
	if h.first.Kind != store.KindResync || h.first.ID != last {
		t.Errorf("Start began with %v, want a resync carrying the position #%d", h.first, last)
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case c := <-h.got:
			if c.Kind == domain.KindLine && c.Key == "4100" {
				return
			}
		case <-deadline:
			t.Fatal("the change committed while the handlers loaded never came")
		}
	}
}

// TestFollowFeedThatCannotRead: a change row the feed cannot read (its
// time is not a number) closes the feed as soon as it opens, again and
// again: that is logged, once, and once the row is gone the changes after
// it come.
func TestFollowFeedThatCannotRead(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := openSite(ctx, t)
	logs := &storetest.LogBuffer{}
	got := make(chan store.Change, 16)
	store.Follow(ctx, s, slog.New(slog.NewTextHandler(logs, nil)), func(c store.Change) { got <- c })
	if _, err := s.SQL().ExecContext(ctx, "INSERT INTO changes (kind, key, op, at) VALUES ('line', 'x', 'update', 'not a time')"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second) // the feed polls, fails, reopens with backoff: several times
	if n := strings.Count(logs.String(), "closes as soon as it opens"); n != 1 {
		t.Errorf("%d warnings of a feed that cannot read, want 1:\n%s", n, logs.String())
	}
	if _, err := s.SQL().ExecContext(ctx, "DELETE FROM changes WHERE at = 'not a time'"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, &domain.Line{Number: "4100", DisplayName: "after the bad row"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(15 * time.Second)
	for {
		select {
		case c := <-got:
			if c.Kind == domain.KindLine && c.Key == "4100" {
				return
			}
		case <-deadline:
			t.Fatalf("the change after the bad row never came:\n%s", logs.String())
		}
	}
}

// openSite opens a new SQLite store holding storetest.Site, closed at the
// test's end.
func openSite(ctx context.Context, t *testing.T) *sqlstore.DB {
	t.Helper()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "feed.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Apply(ctx, storetest.Site()); err != nil {
		t.Fatal(err)
	}
	return s
}
