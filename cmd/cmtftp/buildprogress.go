package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// buildProgress reports how many devices a build has written. The devices
// are streamed, so their number is not known ahead: it prints a count and
// a rate (on a terminal in place, otherwise a line every 100,000 devices).
// A nil *buildProgress reports nothing.
type buildProgress struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
	tty   bool
	last  int64
}

// newBuildProgress reports on w.
func newBuildProgress(w io.Writer) *buildProgress {
	p := &buildProgress{w: w, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// add reports that n devices are written.
func (p *buildProgress) add(n int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if n <= p.last || (!p.tty && n/100_000 == p.last/100_000) {
		return
	}
	p.last = n
	rate := float64(n) / max(time.Since(p.start).Seconds(), 1e-3)
	if p.tty {
		fmt.Fprintf(p.w, "\rbuilding: %d devices  %.0f/s ", n, rate)
		return
	}
	fmt.Fprintf(p.w, "building: %d devices, %.0f/s\n", n, rate)
}

// done ends the report.
func (p *buildProgress) done() {
	if p != nil && p.tty && p.last > 0 {
		fmt.Fprintln(p.w)
	}
}
