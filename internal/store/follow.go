package store

import (
	"context"
	"log/slog"
	"time"
)

// Follow subscribes to s's change feed from the newest change and calls f
// for every change until ctx ends. The subscription is made before Follow
// returns, so no change committed after that is missed. If the feed cannot
// be opened or breaks (the database went away), it is reopened from the
// last change seen, every second, and f gets a KindResync change when it
// comes back: anything may have changed meanwhile. logger may be nil.
func Follow(ctx context.Context, s Store, logger *slog.Logger, f func(Change)) {
	last, err := s.LastChange(ctx)
	var ch <-chan Change
	if err == nil {
		ch, err = s.Changes(ctx, last)
	}
	if err != nil && logger != nil {
		logger.Warn("change feed unavailable; retrying", "err", err)
	}
	go func() {
		for ctx.Err() == nil {
			if ch != nil { // nil: the feed could not be opened; reopen below
				for c := range ch {
					last = max(last, c.ID)
					f(c)
				}
			}
			if ctx.Err() != nil {
				return
			}
			var err error
			if last == 0 {
				last, err = s.LastChange(ctx)
			}
			if err == nil {
				ch, err = s.Changes(ctx, last)
			}
			if err != nil {
				if logger != nil {
					logger.Warn("change feed unavailable; retrying", "err", err)
				}
				ch = nil
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
				continue
			}
			f(Change{Kind: KindResync, Op: OpUpdate, At: time.Now().UTC()})
		}
	}()
}
