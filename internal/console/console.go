// Package console is cmtftp's web console: server-rendered pages under
// /ui/ on the admin listener (overview, devices, a device, files,
// parameters, changes, cluster, remotes), behind the admin token.
//
// It is an edge like the admin API and sits beside it: every write, and
// most reads, go through the API's own handler in-process (bridge.go), so
// the console follows the same rules and shows the API's validation
// messages. A browser logs in with the token and gets a session cookie;
// every write carries the session's CSRF token. Live parts (the charts,
// a device's timeline, the change feed) come over server-sent events.
package console

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"cmtftp/internal/store"
	"cmtftp/internal/timeline"
)

// Timeline is what the console reads of the boot timeline.
type Timeline interface {
	// Of returns a device's requests, oldest first (nil: not a device name).
	Of(device string) []timeline.Entry
}

// Config is what a console is built from. Store and API are required.
type Config struct {
	// Store is the configuration database (device search, the change feed).
	Store store.Store
	// Token returns the admin token; "" means none: no login is asked for,
	// but a session cookie still carries the CSRF token.
	Token func() string
	// API is the admin API's handler; the console calls it in-process.
	API http.Handler
	// Gatherer is the server's metrics registry, sampled for the charts;
	// nil draws empty charts.
	Gatherer prometheus.Gatherer
	// Timeline is the boot timeline; nil shows none.
	Timeline Timeline
	// Root is the TFTP root, whose files the files page lists; "" lists
	// none.
	Root string
	// Cached reports whether a file of the root (its slash path) is held
	// in the constant and load cache; nil: none is.
	Cached func(path string) bool
	// Logger receives failures on the server's side; nil discards.
	Logger *slog.Logger
	// SampleEvery is the charts' sampling interval; zero is DefaultSampleEvery.
	SampleEvery time.Duration
	// SessionTTL is how long an idle session lives; zero is DefaultSessionTTL.
	SessionTTL time.Duration
	// TimelinePoll is how often a device page's live timeline looks for new
	// requests; zero is one second.
	TimelinePoll time.Duration
}

// Console serves the web console; build it with New, run Sample for the
// charts.
type Console struct {
	cfg      Config
	log      *slog.Logger
	pages    *pages
	sessions *sessions
	samples  *sampler
	streams  chan struct{} // a slot per open event stream
	done     chan struct{} // closed by Close: every event stream ends
	closing  sync.Once
}

// Defaults of Config's zero fields.
const (
	DefaultSampleEvery = 10 * time.Second
	DefaultSessionTTL  = 12 * time.Hour
	// MaxStreams bounds the event streams open at once (each may hold a
	// reader of the change feed).
	MaxStreams = 64
)

// New returns a console over cfg.
func New(cfg Config) (*Console, error) {
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	if cfg.Token == nil {
		cfg.Token = func() string { return "" }
	}
	cfg.SampleEvery = cmp.Or(cfg.SampleEvery, DefaultSampleEvery)
	cfg.SessionTTL = cmp.Or(cfg.SessionTTL, DefaultSessionTTL)
	cfg.TimelinePoll = cmp.Or(cfg.TimelinePoll, time.Second)
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Console{cfg: cfg, log: log, pages: p, sessions: newSessions(cfg.SessionTTL, maxSessions),
		samples: newSampler(cfg.Gatherer), streams: make(chan struct{}, MaxStreams), done: make(chan struct{})}, nil
}

// Close ends every open event stream (call it when the listener shuts
// down: a stream never ends by itself). Pages are still served.
func (c *Console) Close() { c.closing.Do(func() { close(c.done) }) }

// Sample reads the charts' series every SampleEvery until ctx ends.
func (c *Console) Sample(ctx context.Context) {
	c.samples.sample(time.Now())
	t := time.NewTicker(c.cfg.SampleEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			c.samples.sample(now)
		}
	}
}
