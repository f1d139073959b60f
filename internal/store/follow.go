package store

import (
	"context"
	"log/slog"
	"time"
)

// Bounds of the wait between Follow's attempts to reopen a broken feed:
// it doubles from MinReopenWait to MaxReopenWait, and a feed that works
// again (a change came, or it stayed open for MaxReopenWait) is reopened
// at once the next time it breaks.
const (
	MinReopenWait = 100 * time.Millisecond
	MaxReopenWait = 5 * time.Second
)

// Follow subscribes to s's change feed from the newest change and calls f
// for every change until ctx ends. The subscription is made before Follow
// returns, so no change committed after that is missed. When the feed
// breaks (the database went away) it is reopened from the last change f
// got, with a wait between attempts that doubles from MinReopenWait to
// MaxReopenWait, so the changes made meanwhile come from the change log —
// not from notifications — and none is missed; a log pruned past that
// change makes the feed send a KindResync, which is logged. The outage is
// logged once when the feed is lost and once when it is back, not per
// attempt. If the feed could not be opened at all, f gets a KindResync
// when it first opens: anything may have changed. logger may be nil.
func Follow(ctx context.Context, s Store, logger *slog.Logger, f func(Change)) {
	follow(ctx, &follower{s: s, log: logger, f: f})
}

// FollowFrom is Follow from the change after the ID after (a LastChange
// read before the caller loaded what it keeps), so that a change
// committed while it loaded reaches f too.
func FollowFrom(ctx context.Context, s Store, after int64, logger *slog.Logger, f func(Change)) {
	follow(ctx, &follower{s: s, log: logger, f: f, last: after, opened: true})
}

// follow opens fl's feed and drains it in a goroutine.
func follow(ctx context.Context, fl *follower) {
	if fl.log == nil {
		fl.log = slog.New(slog.DiscardHandler)
	}
	ch, err := fl.open(ctx)
	if err != nil {
		fl.lost(err)
	}
	go fl.run(ctx, ch)
}

// follower is Follow's state: where the feed is, and its outage.
type follower struct {
	s      Store
	log    *slog.Logger
	f      func(Change)
	last   int64         // the ID of the last change f got
	opened bool          // the feed was opened once: reopen from last
	wait   time.Duration // before the next attempt to reopen
	since  time.Time     // when the feed was lost; zero: not lost
	tries  int           // attempts to reopen since then
	// flapping: the feed closed as soon as it opened, with nothing read
	// (logged once, until it works again).
	flapping bool
}

// open opens the feed after the last change f got; the first time, after
// the newest change in the log, with a KindResync to f when an earlier
// attempt failed.
func (fl *follower) open(ctx context.Context) (<-chan Change, error) {
	last := fl.last
	if !fl.opened {
		var err error
		if last, err = fl.s.LastChange(ctx); err != nil {
			return nil, err
		}
	}
	ch, err := fl.s.Changes(ctx, last)
	if err != nil {
		return nil, err
	}
	if !fl.opened {
		fl.opened, fl.last = true, last
		if !fl.since.IsZero() {
			fl.f(Change{ID: last, Kind: KindResync, Op: OpUpdate, At: time.Now().UTC()})
		}
	}
	return ch, nil
}

// run drains the feed and reopens it when it breaks, until ctx ends.
func (fl *follower) run(ctx context.Context, ch <-chan Change) {
	for ctx.Err() == nil {
		if ch != nil { // nil: the feed could not be opened
			start := time.Now()
			worked := fl.drain(ch) || time.Since(start) >= MaxReopenWait
			if ctx.Err() != nil {
				return
			}
			if worked {
				fl.wait, fl.flapping = 0, false // reopen at once
			} else {
				fl.wait = grow(fl.wait) // it broke as soon as it opened
				if !fl.flapping {
					fl.flapping = true
					fl.log.Warn("change feed closes as soon as it opens (reading the change log fails): no change is applied until it reads again; retrying with backoff",
						"after_change", fl.last, "max_wait", MaxReopenWait)
				}
			}
			ch = fl.reopen(ctx, worked)
			continue
		}
		ch = fl.reopen(ctx, false)
	}
}

// grow is the wait after one that did not help.
func grow(wait time.Duration) time.Duration { return min(max(2*wait, MinReopenWait), MaxReopenWait) }

// drain hands f every change of ch until it closes; it reports whether
// any came.
func (fl *follower) drain(ch <-chan Change) bool {
	got := false
	for c := range ch {
		if c.Kind == KindResync {
			fl.log.Warn("change log pruned past the last change this server applied: every built file is dropped and built again",
				"last_change", fl.last)
		}
		fl.f(c)
		fl.last, got = max(fl.last, c.ID), true
	}
	return got
}

// reopen opens the feed again after the wait, doubling the wait when it
// fails; nil when ctx ends or the attempt failed. broke says a feed that
// worked broke: its reopening is logged.
func (fl *follower) reopen(ctx context.Context, broke bool) <-chan Change {
	if fl.wait > 0 {
		t := time.NewTimer(fl.wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
	ch, err := fl.open(ctx)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		fl.wait = grow(fl.wait)
		fl.lost(err)
		return nil
	}
	switch {
	case fl.since.IsZero() && broke:
		fl.log.Info("change feed reopened after a break", "after_change", fl.last)
	case !fl.since.IsZero():
		fl.log.Info("change feed back: catching up from the change log", "after_change", fl.last,
			"down_for", time.Since(fl.since).Round(time.Millisecond), "attempts", fl.tries)
		fl.since, fl.tries = time.Time{}, 0
	}
	return ch
}

// lost counts a failed attempt and logs the first of an outage.
func (fl *follower) lost(err error) {
	fl.tries++
	if fl.since.IsZero() {
		fl.since = time.Now()
		fl.log.Warn("change feed lost: serving what is built, busy for the rest; reconnecting with backoff",
			"err", err, "after_change", fl.last, "max_wait", MaxReopenWait)
	}
}
