// Package built is the first source of the serving chain: configuration
// files built from the store on first request, kept in memory, and dropped
// when the store's change feed reports a change.
package built

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"cmtftp/internal/build"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
)

// Source serves built files. Set Store; call Run to follow the change feed.
type Source struct {
	// Store is the configuration database.
	Store store.Store
	// Logger receives feed errors; nil discards.
	Logger *slog.Logger

	mu    sync.Mutex
	cache map[string]*source.Memory
	gen   uint64 // bumped by every change: a build that started before it is not cached
}

var _ source.Source = (*Source)(nil)

// Open implements source.Source. Names no builder makes, and devices that
// do not get a name, are source.ErrNotFound (the chain goes on); a store
// that cannot answer is source.ErrBusy — never "not found", or a phone
// would fall back to XMLDefault.cnf.xml and might auto-register.
func (s *Source) Open(ctx context.Context, req *source.Request) (source.File, error) {
	name := req.Path
	if _, ok := build.Resolve(name); !ok {
		return nil, source.ErrNotFound
	}
	s.mu.Lock()
	if f, ok := s.cache[name]; ok {
		s.mu.Unlock()
		return f, nil
	}
	gen := s.gen
	s.mu.Unlock()
	b, _, err := build.Render(name, Records{Ctx: ctx, Store: s.Store})
	switch {
	case errors.Is(err, build.ErrNotBuilt):
		return nil, source.ErrNotFound
	case err != nil:
		return nil, source.ErrBusy
	}
	f := source.NewMemory(b, time.Now())
	s.mu.Lock()
	if s.gen == gen {
		if s.cache == nil {
			s.cache = map[string]*source.Memory{}
		}
		s.cache[name] = f
	}
	s.mu.Unlock()
	return f, nil
}

// Invalidate drops every cached file (a change may touch any of them).
func (s *Source) Invalidate() {
	s.mu.Lock()
	s.gen++
	s.cache = nil
	s.mu.Unlock()
}

// Start follows the store's change feed until ctx ends, dropping the
// cache on every change (see store.Follow). Call it before serving.
func (s *Source) Start(ctx context.Context) {
	s.Invalidate()
	store.Follow(ctx, s.Store, s.Logger, func(store.Change) { s.Invalidate() })
}
