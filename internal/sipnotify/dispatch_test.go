package sipnotify

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// TestDispatcherBound sends to a real phone that holds each NOTIFY a while
// and checks that no more than MaxOutstanding were ever awaiting their
// answer, counted both where they are sent and where they arrive.
func TestDispatcherBound(t *testing.T) {
	for _, limit := range []int{1, 3} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			p := startPhone(t, 200, 100*time.Millisecond)
			s, err := NewSender(0)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var inFlight, maxSeen atomic.Int32
			send := func(ctx context.Context, tg Target) Result {
				n := inFlight.Add(1)
				defer inFlight.Add(-1)
				for m := maxSeen.Load(); n > m && !maxSeen.CompareAndSwap(m, n); m = maxSeen.Load() {
				}
				return s.Send(ctx, tg)
			}
			d := &Dispatcher{Send: send, Rate: 1000, MaxOutstanding: limit}
			targets := make([]Target, 8)
			for i := range targets {
				targets[i] = Target{Device: fmt.Sprintf("SEP0000DE%06X", i), Addr: p.addr, Event: EventCheckSync}
			}
			results := d.Run(context.Background(), targets)
			for i, r := range results {
				if r.Result != ResultAnswered {
					t.Errorf("target %d: %+v", i, r)
				}
			}
			if got := len(p.requests()); got != len(targets) {
				t.Errorf("phone got %d NOTIFYs, want %d", got, len(targets))
			}
			if m := maxSeen.Load(); m > int32(limit) || m < 1 {
				t.Errorf("%d NOTIFYs outstanding at once, bound %d", m, limit)
			}
			if m := p.maxSeen.Load(); m > int32(limit) {
				t.Errorf("the phone held %d NOTIFYs at once, bound %d", m, limit)
			}
		})
	}
}

func TestDispatcherCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := &Dispatcher{Send: func(context.Context, Target) Result { return Result{Result: ResultAnswered} }}
	for i, r := range d.Run(ctx, make([]Target, 3)) {
		if r.Result != ResultNotSent {
			t.Errorf("target %d: %+v, want not-sent", i, r)
		}
	}
}

// TestPacer checks the schedule the rate limit makes: starts at least an
// interval apart, none before it is asked for.
func TestPacer(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := pacer{interval: 50 * time.Millisecond}
	tests := []struct {
		now, want time.Duration
	}{
		{0, 0},
		{0, 50 * time.Millisecond},
		{10 * time.Millisecond, 100 * time.Millisecond},
		{500 * time.Millisecond, 500 * time.Millisecond},
		{510 * time.Millisecond, 550 * time.Millisecond},
	}
	for i, tc := range tests {
		if got := p.reserve(t0.Add(tc.now)).Sub(t0); got != tc.want {
			t.Errorf("reservation %d at %v: %v, want %v", i, tc.now, got, tc.want)
		}
	}
}

func TestMaxOutstandingFor(t *testing.T) {
	for _, tc := range []struct{ serving, want int }{{200, 50}, {3, 1}, {0, 1}, {1000, 250}} {
		if got := MaxOutstandingFor(tc.serving); got != tc.want {
			t.Errorf("MaxOutstandingFor(%d) = %d, want %d", tc.serving, got, tc.want)
		}
	}
}
