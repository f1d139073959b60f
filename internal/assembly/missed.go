package assembly

import (
	"cmtftp/internal/domain"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// missedRate is how many missed files are logged per second at most; the
// rest are counted and reported in the next line that is logged.
const missedRate = 10

// missedLog logs requests for files that were not found, when the Log
// Missed Files service parameter is true, rate-limited.
type missedLog struct {
	logger     *slog.Logger
	enabled    atomic.Bool
	mu         sync.Mutex
	window     time.Time
	n          int
	suppressed int
}

// newMissedLog logs through logger while the parameter (see setParams) is on.
func newMissedLog(logger *slog.Logger) *missedLog { return &missedLog{logger: logger} }

// setParams follows the Log Missed Files parameter.
func (m *missedLog) setParams(p domain.ParamValues) {
	m.enabled.Store(p.Bool(domain.ParamLogMissedFiles))
}

func (m *missedLog) log(proto, name string, client netip.AddrPort) {
	if !m.enabled.Load() {
		return
	}
	m.mu.Lock()
	now := time.Now()
	if now.Sub(m.window) >= time.Second {
		m.window, m.n = now, 0
	}
	if m.n >= missedRate {
		m.suppressed++
		m.mu.Unlock()
		return
	}
	m.n++
	suppressed := m.suppressed
	m.suppressed = 0
	m.mu.Unlock()
	m.logger.Info("file not found", "protocol", proto, "file", name, "client", client.String(), "suppressed_before", suppressed)
}
