package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/storetest"
)

// loadingHandler commits a change while it loads (its first resync), as
// another server's write may land while a large site's state is read, and
// records every change it is handed after that.
type loadingHandler struct {
	t      *testing.T
	s      store.Store
	loaded bool
	got    chan store.Change
}

func (h *loadingHandler) HandleChange(ctx context.Context, c store.Change) {
	if !h.loaded {
		h.loaded = true
		if _, err := h.s.Put(ctx, &domain.Line{Number: "4100", DisplayName: "renamed while loading"}); err != nil {
			h.t.Error(err)
		}
		return
	}
	h.got <- c
}

// TestFeedStartLosesNothing: a change committed while the handlers load
// their state (during Start's first resync) is delivered afterwards. The
// feed's position is read before they load, not after.
func TestFeedStartLosesNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "feed.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Apply(ctx, storetest.Site()); err != nil {
		t.Fatal(err)
	}
	h := &loadingHandler{t: t, s: s, got: make(chan store.Change, 16)}
	f := store.NewFeed(s, nil, prometheus.NewRegistry())
	f.Register(h)
	f.Start(ctx)
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
