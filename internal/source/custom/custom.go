// Package custom serves the custom files kept in the database (cmtftp file
// put): uploaded once, served by every server of the cluster. It comes
// right after the built files in the serving chain.
package custom

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
)

// Source serves custom files from Store, keeping the ones asked for in
// memory until the change feed reports a change to custom files.
type Source struct {
	// Store is the configuration database.
	Store store.Store
	// Logger receives feed errors; nil discards.
	Logger *slog.Logger

	mu    sync.Mutex
	files map[string]*source.Memory // nil entry: known not to exist
	gen   uint64
}

var _ source.Source = (*Source)(nil)

var _ store.ChangeHandler = (*Source)(nil)

// HandleChange implements store.ChangeHandler: a custom-file change (or a
// resync) drops what is kept.
func (s *Source) HandleChange(_ context.Context, c store.Change) {
	if c.Kind == domain.KindFile || c.Kind == store.KindResync {
		s.invalidate()
	}
}

func (s *Source) invalidate() {
	s.mu.Lock()
	s.gen++
	s.files = nil
	s.mu.Unlock()
}

// Open implements source.Source. A name that is not a custom file is
// source.ErrNotFound (remembered until the next custom-file change, so the
// database is asked once per name); a database that cannot answer is
// source.ErrBusy.
func (s *Source) Open(ctx context.Context, req *source.Request) (source.File, error) {
	s.mu.Lock()
	f, known := s.files[req.Path]
	gen := s.gen
	s.mu.Unlock()
	if known {
		if f == nil {
			return nil, source.ErrNotFound
		}
		return f, nil
	}
	cf, err := store.Get[*domain.CustomFile](ctx, s.Store, req.Path)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		f = nil
	case err != nil:
		return nil, source.ErrBusy
	default:
		f = source.NewMemory(cf.Data, cf.Modified)
	}
	s.mu.Lock()
	if s.gen == gen {
		if s.files == nil {
			s.files = map[string]*source.Memory{}
		}
		s.files[req.Path] = f
	}
	s.mu.Unlock()
	if f == nil {
		return nil, source.ErrNotFound
	}
	return f, nil
}
