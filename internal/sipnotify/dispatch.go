package sipnotify

import (
	"context"
	"sync"
	"time"
)

// DefaultRate is Dispatcher.Rate's default: NOTIFYs started per second.
const DefaultRate = 20

// DefaultMaxOutstanding is Dispatcher.MaxOutstanding's default: a quarter
// of the default Maximum Serving Count (200), so the phones re-fetching at
// once stay well under it.
const DefaultMaxOutstanding = 50

// MaxOutstandingFor returns the bound on NOTIFYs awaiting their answer for
// a Maximum Serving Count: a quarter of it, at least 1.
func MaxOutstandingFor(maxServing int) int { return max(1, maxServing/4) }

// Dispatcher rolls a reset out: it starts at most Rate NOTIFYs a second,
// and at most MaxOutstanding wait for their answer at once.
type Dispatcher struct {
	// Send sends one NOTIFY and returns its result (Sender.Send, or a
	// wrapper recording it).
	Send func(ctx context.Context, t Target) Result
	// Rate is NOTIFYs started per second; zero is DefaultRate.
	Rate float64
	// MaxOutstanding bounds the NOTIFYs awaiting their answer; zero is
	// DefaultMaxOutstanding.
	MaxOutstanding int
}

// Run sends every target's NOTIFY and returns their results in the
// targets' order. When ctx ends, the targets not started yet are
// not-sent.
func (d *Dispatcher) Run(ctx context.Context, targets []Target) []Result {
	rate := d.Rate
	if rate <= 0 {
		rate = DefaultRate
	}
	limit := d.MaxOutstanding
	if limit <= 0 {
		limit = DefaultMaxOutstanding
	}
	out := make([]Result, len(targets))
	sem := make(chan struct{}, limit)
	p := pacer{interval: time.Duration(float64(time.Second) / rate)}
	var wg sync.WaitGroup
	for i, t := range targets {
		if err := wait(ctx, &p, sem); err != nil {
			for j := i; j < len(targets); j++ {
				out[j] = Result{Result: ResultNotSent, Detail: "cancelled: " + err.Error()}
			}
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i] = d.Send(ctx, t)
		})
	}
	wg.Wait()
	return out
}

// wait waits for a free place in sem (taking it), then for the pacer's
// next start, so that starts are spaced even after a wait for answers.
func wait(ctx context.Context, p *pacer, sem chan struct{}) error {
	if err := ctx.Err(); err != nil { // a select with a free place too picks at random
		return err
	}
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	d := time.Until(p.reserve(time.Now()))
	if d <= 0 {
		return nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		<-sem
		return ctx.Err()
	}
}

// pacer spaces starts at least interval apart.
type pacer struct {
	interval time.Duration
	next     time.Time
}

// reserve returns when the next start may be, no earlier than now, and
// books it.
func (p *pacer) reserve(now time.Time) time.Time {
	at := now
	if p.next.After(at) {
		at = p.next
	}
	p.next = at.Add(p.interval)
	return at
}
