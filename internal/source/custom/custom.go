// Package custom serves the custom files kept in the database (cmtftp file
// put): uploaded once, served by every server of the cluster. It comes
// right after the built files in the serving chain.
//
// A file is read from the database once per server, streamed chunk by
// chunk into one copy in memory, and checked against its stored SHA-256
// before it is served; every transfer of it shares that copy. Concurrent
// first requests for a file share one load. The files kept stay within a
// byte budget (least recently used go first), and a change to one custom
// file drops that file only.
package custom

import (
	"container/list"
	"context"
	"log/slog"
	"sync"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
)

// DefaultMaxBytes is Source.MaxBytes's default.
const DefaultMaxBytes = 256 << 20

// Source serves custom files from Store, keeping the ones asked for in
// memory within MaxBytes.
type Source struct {
	// Store is the configuration database.
	Store store.FileStore
	// Logger receives files whose bytes do not match their SHA-256; nil
	// discards.
	Logger *slog.Logger
	// MaxBytes is the byte budget of the files kept; zero or negative is
	// DefaultMaxBytes. The file loaded last is kept even when it alone
	// is larger: every transfer of it still shares one copy.
	MaxBytes int64
	// Names (optional) lists the custom files: with it the source keeps
	// their names (names.go), loaded at each resync and kept by the change
	// feed, so that a name no custom file has — nearly every name the
	// serving chain asks here — is not found without a query.
	Names store.Lister

	mu    sync.Mutex
	files map[string]*entry   // loading or kept; a kept entry is in lru
	lru   list.List           // of *entry, most recently used first
	bytes int64               // the cost of the entries in lru
	names map[string]struct{} // the custom files there are; nil: not known (ask the database)
}

// entry is one name's answer: loading until done is closed, then the file
// (nil: not a custom file) or err (busy).
type entry struct {
	name string
	done chan struct{}
	file *source.Memory
	err  error
	cost int64
	elem *list.Element // nil until kept, and once dropped
	// loaded is set when done is closed; changed, while loading, when the
	// file changed meanwhile (both under Source.mu).
	loaded, changed bool
}

var _ source.Source = (*Source)(nil)

var _ store.ChangeHandler = (*Source)(nil)

// HandleChange implements store.ChangeHandler: a change to a custom file
// drops that file (or the answer that it does not exist); a resync drops
// every one.
func (s *Source) HandleChange(ctx context.Context, c store.Change) {
	switch c.Kind {
	case domain.KindFile:
		s.mu.Lock()
		s.nameChanged(c)
		if e, ok := s.files[c.Key]; ok && !e.loaded {
			e.changed = true // the load looks again (load)
		} else {
			s.drop(c.Key)
		}
		s.mu.Unlock()
	case store.KindResync:
		s.mu.Lock()
		for name := range s.files {
			s.drop(name)
		}
		s.mu.Unlock()
		s.loadNames(ctx)
	}
}

// Open implements source.Source. A name that is not a custom file is
// source.ErrNotFound (remembered until that name changes, so the database
// is asked once per name); a database that cannot answer, or bytes that do
// not match their SHA-256, are source.ErrBusy.
func (s *Source) Open(ctx context.Context, req *source.Request) (source.File, error) {
	s.mu.Lock()
	if !s.mayExist(req.Path) {
		s.mu.Unlock()
		return nil, source.ErrNotFound
	}
	e, ok := s.files[req.Path]
	if ok && e.elem != nil {
		s.lru.MoveToFront(e.elem)
	}
	if !ok {
		e = &entry{name: req.Path, done: make(chan struct{})}
		if s.files == nil {
			s.files = map[string]*entry{}
		}
		s.files[req.Path] = e
	}
	s.mu.Unlock()
	if !ok {
		s.load(ctx, e) // the first to ask loads; the others wait for it
	}
	select {
	case <-e.done:
	case <-ctx.Done():
		return nil, source.ErrBusy
	}
	switch {
	case e.err != nil:
		return nil, e.err
	case e.file == nil:
		return nil, source.ErrNotFound
	}
	return e.file, nil
}

// Kept returns how many answers are kept and the bytes they cost.
func (s *Source) Kept() (n int, bytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lru.Len(), s.bytes
}
