// Package guard is the first step of the serving chain: it keeps one host
// from walking the device-specific names (SEP<MAC>…, SIP<MAC>…, ld<mac>,
// gk<mac>, CTLSEP<MAC>…, ITLSEP<MAC>…, with any suffix such as .sgn) to
// find which devices exist. Each source address has two token buckets: one
// for its requests for device-specific names, one for the "not found"
// answers it got for them. Past either budget the source gets ErrBusy for
// device-specific names (the same answer whether the file exists or not),
// a security event is logged (rate-limited) and counted. Other names pass
// untouched; sources in the exempt networks are never throttled.
//
// State is kept for at most MaxSources addresses, the one heard from least
// recently forgotten first; every request costs O(1).
package guard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"cmtftp/internal/source"
)

// Defaults for Config's zero fields. A phone's boot asks for about a dozen
// names of which a handful are device-specific and at most about six not
// found (CTL, ITL, their .sgn forms, an unregistered config): the budgets
// let a source boot several times in a row at once, then about once a
// minute (requests 2/s, not-found answers one per 2 s) for ever.
const (
	DefaultRequestBurst    = 100
	DefaultRequestRate     = 2.0
	DefaultNotFoundBurst   = 32
	DefaultNotFoundRate    = 0.5
	DefaultMaxSources      = 65536
	DefaultLogEverySource  = time.Minute
	maxLogLinesPerSecond   = 10
	securityEventMessage   = "security: source throttled"
	budgetRequests         = "requests"
	budgetNotFound         = "not_found"
	defaultExemptLoopback4 = "127.0.0.1/32"
	defaultExemptLoopback6 = "::1/128"
)

// DefaultExempt is the allow-list used when Config.Exempt is nil: the host
// itself (127.0.0.1 and ::1), so tools and tests on the server are never
// throttled. Other loopback addresses are not exempt.
func DefaultExempt() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix(defaultExemptLoopback4), netip.MustParsePrefix(defaultExemptLoopback6)}
}

// Budget is a token bucket: Burst tokens at most, refilled at Rate per
// second.
type Budget struct {
	Burst int
	Rate  float64
}

// Config sets the budgets; zero fields take the defaults.
type Config struct {
	// Requests bounds a source's requests for device-specific names.
	Requests Budget
	// NotFound bounds the "not found" answers a source gets for them.
	NotFound Budget
	// Exempt are the provisioning networks never throttled; nil means
	// DefaultExempt, an empty non-nil slice none.
	Exempt []netip.Prefix
	// MaxSources bounds the sources remembered.
	MaxSources int
	// LogEvery is how often at most one source's throttling is logged.
	LogEvery time.Duration
	// Logger receives the security events; nil discards.
	Logger *slog.Logger
	// Clock returns the time; nil is time.Now (tests set it).
	Clock func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Requests.Burst <= 0 {
		c.Requests.Burst = DefaultRequestBurst
	}
	if c.Requests.Rate <= 0 {
		c.Requests.Rate = DefaultRequestRate
	}
	if c.NotFound.Burst <= 0 {
		c.NotFound.Burst = DefaultNotFoundBurst
	}
	if c.NotFound.Rate <= 0 {
		c.NotFound.Rate = DefaultNotFoundRate
	}
	if c.MaxSources <= 0 {
		c.MaxSources = DefaultMaxSources
	}
	if c.LogEvery <= 0 {
		c.LogEvery = DefaultLogEverySource
	}
	if c.Exempt == nil {
		c.Exempt = DefaultExempt()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	return c
}

// errThrottled is the answer past the budget: busy, so the client retries
// later, with the same answer for a file that exists and one that does not.
var errThrottled = fmt.Errorf("%w: source over its device-name budget", source.ErrBusy)

// Guard is the chain step; safe for concurrent use.
type Guard struct {
	next      source.Source
	cfg       Config
	start     time.Time
	throttled *prometheus.CounterVec

	mu      sync.Mutex
	sources table
	logged  int // security lines logged in the current second
	window  int64
	dropped int // security lines suppressed since the last one logged
}

var _ source.Source = (*Guard)(nil)

// New returns the step in front of next, its counters registered in reg.
func New(next source.Source, cfg Config, reg prometheus.Registerer) *Guard {
	cfg = cfg.withDefaults()
	g := &Guard{next: next, cfg: cfg, start: cfg.Clock(),
		throttled: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cmtftp", Name: "enumeration_throttled_total",
			Help: "Requests for device-specific names answered busy because their source was over a budget (requests or not_found), by protocol."},
			[]string{"protocol", "budget"}),
	}
	g.sources.init(cfg.MaxSources)
	for _, p := range []source.Protocol{source.TFTP, source.HTTP} {
		for _, b := range []string{budgetRequests, budgetNotFound} {
			g.throttled.WithLabelValues(string(p), b)
		}
	}
	reg.MustRegister(g.throttled, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "cmtftp", Name: "enumeration_sources_tracked",
		Help: "Source addresses whose device-name budgets are remembered."}, func() float64 { return float64(g.Sources()) }))
	return g
}

// Sources returns how many source addresses are remembered.
func (g *Guard) Sources() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.sources.index)
}

// Open implements source.Source.
func (g *Guard) Open(ctx context.Context, req *source.Request) (source.File, error) {
	if !DeviceName(req.Path) {
		return g.next.Open(ctx, req)
	}
	addr := req.Remote.Addr().Unmap()
	if g.exempt(addr) {
		return g.next.Open(ctx, req)
	}
	now := int64(g.cfg.Clock().Sub(g.start))
	g.mu.Lock()
	e := g.sources.get(addr, now, &g.cfg)
	e.refill(now, &g.cfg)
	over := ""
	switch {
	case e.notFound < 1:
		over = budgetNotFound
	case e.requests < 1:
		over = budgetRequests
	default:
		e.requests--
	}
	var log bool
	var suppressed int
	if over != "" {
		log, suppressed = g.shouldLog(e, now)
	}
	g.mu.Unlock()
	if over != "" {
		g.throttled.WithLabelValues(string(req.Protocol), over).Inc()
		if log {
			g.cfg.Logger.Warn(securityEventMessage, "event", "enumeration", "source", addr.String(),
				"protocol", string(req.Protocol), "budget", over, "suppressed_before", suppressed)
		}
		return nil, errThrottled
	}
	f, err := g.next.Open(ctx, req)
	if err != nil && errors.Is(err, source.ErrNotFound) {
		g.mu.Lock()
		if e := g.sources.find(addr); e != nil {
			e.notFound--
		}
		g.mu.Unlock()
	}
	return f, err
}

// Exempt reports whether a is in the provisioning networks (Config.Exempt),
// which the guard never throttles.
func (g *Guard) Exempt(a netip.Addr) bool { return g.exempt(a.Unmap()) }

func (g *Guard) exempt(a netip.Addr) bool {
	for _, p := range g.cfg.Exempt {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// shouldLog says whether this throttled request is logged: once per
// LogEvery per source, and at most maxLogLinesPerSecond lines in all.
func (g *Guard) shouldLog(e *entry, now int64) (bool, int) {
	if e.logged != 0 && now-e.logged < int64(g.cfg.LogEvery) {
		return false, 0
	}
	if sec := now / int64(time.Second); sec != g.window {
		g.window, g.logged = sec, 0
	}
	if g.logged >= maxLogLinesPerSecond {
		g.dropped++
		return false, 0
	}
	g.logged++
	e.logged = max(now, 1)
	n := g.dropped
	g.dropped = 0
	return true, n
}
