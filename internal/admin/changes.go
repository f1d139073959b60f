package admin

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"cmtftp/internal/store"
)

// Long-poll limits of GET /api/v1/changes.
const (
	maxWait      = time.Minute           // longest ?wait=
	zeroWait     = 50 * time.Millisecond // what ?wait=0 waits: the feed delivers what is already in the log
	changesGrace = 20 * time.Millisecond // after the first event, for those that follow it
	maxChanges   = 1000                  // events in one answer
)

// changes long-polls the change feed: events after ?after=N, waiting up to
// ?wait=DURATION (default 0, at most 60 s) for the first one.
func (s *Server) changes(w http.ResponseWriter, r *http.Request) error {
	after, wait, err := changesQuery(r)
	if err != nil {
		return err
	}
	if wait == 0 {
		wait = zeroWait
	}
	ctx, cancel := context.WithTimeout(r.Context(), wait)
	defer cancel()
	ch, err := s.Store.Changes(ctx, after)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, collect(ctx, ch))
	return nil
}

// changesQuery reads ?after= and ?wait= (capped at maxWait).
func changesQuery(r *http.Request) (after int64, wait time.Duration, err error) {
	if a := r.URL.Query().Get("after"); a != "" {
		if _, err := fmt.Sscan(a, &after); err != nil {
			return 0, 0, badRequest("after: not a number")
		}
	}
	if v := r.URL.Query().Get("wait"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return 0, 0, badRequest("wait: not a duration like 10s")
		}
		wait = min(d, maxWait)
	}
	return after, wait, nil
}

// collect gathers events from ch until ctx ends, the feed closes, a grace
// period after the first event passes, or maxChanges have come.
func collect(ctx context.Context, ch <-chan store.Change) []store.Change {
	out := []store.Change{}
	var grace <-chan time.Time
	for {
		select {
		case c, ok := <-ch:
			if !ok {
				return out
			}
			out = append(out, c)
			if grace == nil {
				grace = time.After(changesGrace)
			}
			if len(out) >= maxChanges {
				return out
			}
		case <-grace:
			return out
		case <-ctx.Done():
			return out
		}
	}
}
