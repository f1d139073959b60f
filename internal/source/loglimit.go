package source

import (
	"sync"
	"time"
)

// LogLimit lets one log line through per interval and counts the ones it
// holds back, for a warning that a client can cause at will (a refused
// loop, a forwarded request). The zero value lets one through a second.
type LogLimit struct {
	// Every is the interval; 0 means a second.
	Every time.Duration

	mu         sync.Mutex
	last       time.Time
	suppressed int
}

// Allow reports whether a line may be logged at now, and how many lines
// were held back since the last one let through.
func (l *LogLimit) Allow(now time.Time) (ok bool, suppressed int) {
	every := l.Every
	if every <= 0 {
		every = time.Second
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.last.IsZero() && now.Sub(l.last) < every {
		l.suppressed++
		return false, 0
	}
	l.last, suppressed, l.suppressed = now, l.suppressed, 0
	return true, suppressed
}
