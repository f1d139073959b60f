// Package built is the first source of the serving chain: configuration
// files built from the store on first request, kept in memory, and dropped
// when the store's change feed reports a change.
package built

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/render"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
)

// Source serves built files. Set Store; call Run to follow the change feed.
type Source struct {
	// Store is the configuration database.
	Store store.Store
	// Logger receives feed errors; nil discards.
	Logger *slog.Logger
	// OnBuild, if set, is called after every build: the file's kind, how
	// long it took, the error if the database failed, and whether a change
	// that arrived meanwhile made the result unfit for the cache.
	OnBuild func(kind render.Kind, d time.Duration, err error, discarded bool)
	// NoCache, when true, builds every request afresh (the service
	// parameter Enable Caching of Configuration Files = false); requests
	// for one name at the same moment still share one build.
	NoCache atomic.Bool

	mu      sync.Mutex
	cache   map[string]*source.Memory
	missing map[string]time.Time // names not built, until when that answer holds
	flights map[string]*flight   // builds in progress, one per name
	gen     uint64               // bumped by every change: a build that started before it is not cached
}

// NegativeTTL is how long "no builder makes this name" is remembered (a
// change event forgets it sooner): a storm of requests for RingList.xml
// or a missing device asks the database once, not once per request.
const NegativeTTL = 2 * time.Second

// maxMissing bounds the remembered misses (a scan of random names).
const maxMissing = 100000

// flight is one build that concurrent requests for the same name share.
type flight struct {
	done chan struct{}
	f    *source.Memory
	err  error
}

var _ source.Source = (*Source)(nil)

// Open implements source.Source. Names no builder makes, and devices that
// do not get a name, are source.ErrNotFound (the chain goes on); a store
// that cannot answer is source.ErrBusy — never "not found", or a phone
// would fall back to XMLDefault.cnf.xml and might auto-register.
func (s *Source) Open(ctx context.Context, req *source.Request) (source.File, error) {
	name := req.Path
	target, ok := render.Resolve(name)
	if !ok {
		return nil, source.ErrNotFound
	}
	s.mu.Lock()
	if f, ok := s.cache[name]; ok {
		s.mu.Unlock()
		return f, nil
	}
	if until, ok := s.missing[name]; ok && time.Now().Before(until) {
		s.mu.Unlock()
		return nil, source.ErrNotFound
	}
	if c, ok := s.flights[name]; ok {
		s.mu.Unlock()
		select {
		case <-c.done:
		case <-ctx.Done():
			return nil, source.ErrBusy
		}
		if c.err != nil {
			return nil, c.err
		}
		return c.f, nil
	}
	c := &flight{done: make(chan struct{})}
	if s.flights == nil {
		s.flights = map[string]*flight{}
	}
	s.flights[name] = c
	gen := s.gen
	s.mu.Unlock()

	c.f, c.err = s.build(ctx, name, target)
	s.mu.Lock()
	delete(s.flights, name)
	if errors.Is(c.err, source.ErrNotFound) && s.gen == gen {
		if s.missing == nil || len(s.missing) >= maxMissing {
			s.missing = map[string]time.Time{}
		}
		s.missing[name] = time.Now().Add(NegativeTTL)
	}
	s.mu.Unlock()
	close(c.done)
	if c.err != nil {
		return nil, c.err
	}
	return c.f, nil
}

// build renders name, caching the result unless a change arrived meanwhile.
func (s *Source) build(ctx context.Context, name string, target render.Target) (*source.Memory, error) {
	// A change that arrives while the file is being built may or may not
	// be in it: build again (a few times) so the requester gets a file
	// that is current as of a moment with no change in flight.
	var f *source.Memory
	for attempt := 0; attempt < 3; attempt++ {
		s.mu.Lock()
		if cached, ok := s.cache[name]; ok {
			s.mu.Unlock()
			return cached, nil
		}
		gen := s.gen
		s.mu.Unlock()
		start := time.Now()
		b, err := s.renderTarget(ctx, target)
		switch {
		case errors.Is(err, render.ErrNotBuilt):
			return nil, source.ErrNotFound
		case err != nil:
			if s.OnBuild != nil {
				s.OnBuild(target.Kind, time.Since(start), err, false)
			}
			return nil, source.ErrBusy
		}
		// Keep exactly the bytes: the render buffer grew by doubling, and a
		// cache of 100,000 files would carry the slack.
		f = source.NewMemory(bytes.Clone(b), time.Now())
		s.mu.Lock()
		fresh := s.gen == gen
		if fresh && !s.NoCache.Load() {
			if s.cache == nil {
				s.cache = map[string]*source.Memory{}
			}
			s.cache[name] = f
		}
		s.mu.Unlock()
		if s.OnBuild != nil {
			s.OnBuild(target.Kind, time.Since(start), nil, !fresh)
		}
		if fresh {
			break
		}
	}
	return f, nil
}

// renderTarget loads the records target is rendered from and renders it:
// the same Load and render.Render that Render (cmtftp show) uses.
func (s *Source) renderTarget(ctx context.Context, target render.Target) ([]byte, error) {
	r, err := Load(ctx, s.Store, target)
	if err != nil {
		return nil, err
	}
	return render.Render(target, r)
}

// Invalidate drops every cached file (a change may touch any of them).
func (s *Source) Invalidate() {
	s.mu.Lock()
	s.gen++
	s.cache = nil
	s.missing = nil
	s.mu.Unlock()
}

var _ store.ChangeHandler = (*Source)(nil)

// HandleChange implements store.ChangeHandler: every kept file is dropped,
// but for a change of a kind no builder reads (custom files, remote
// clusters).
func (s *Source) HandleChange(_ context.Context, c store.Change) {
	if c.Kind == domain.KindFile || c.Kind == domain.KindRemote {
		return
	}
	s.Invalidate()
}
