// Package built is the first source of the serving chain: configuration
// files built from the store on first request, kept in memory, and dropped
// when the store's change feed reports a change.
package built

import (
	"bytes"
	"context"
	"errors"
	"hash/maphash"
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
	// MaxBytes is the byte budget of the kept files (the heap they hold:
	// their entries, names, dependencies and bytes): past it the least
	// recently served are dropped, and built again when next asked for.
	// Zero is an eighth of the machine's memory (or of the process's
	// cgroup v2 memory limit, when lower), at most DefaultMaxBytes;
	// negative is no budget. Set it before the first request. Outside
	// the budget, and bounded apart from it: the dependency sets devices
	// share (one per distinct set), the files sampled for a dictionary's
	// training (at most a few thousand), and the dictionaries, with their
	// encoders and decoders, that kept files still use.
	MaxBytes int64
	// Uncompressed, when true, keeps every file as it is. Otherwise, once
	// enough files are kept, a zstd dictionary is trained on them and
	// later files are kept compressed, decompressed per request (codec.go).
	// Set it before the first request.
	Uncompressed bool
	// Metrics, if set, counts the cache (bytes, entries, evictions and
	// builds by cause); its Built method is usually OnBuild too.
	Metrics *Metrics

	mu         sync.Mutex
	cache      map[string]*kept
	head       kept                  // the list of kept files: head.next most recently served
	bytes      int64                 // charged by the kept files
	fileBytes  int64                 // of their bytes alone
	compressed int                   // kept files kept compressed
	samples    [][]byte              // the files the next dictionary will be trained on (retrain.go)
	training   bool                  // a dictionary is being trained
	trainOff   bool                  // trainings gave none: files are kept as they are
	retrain    bool                  // newly kept files compress badly: sample them for a new dictionary
	retrainGap time.Duration         // the least time between trainings when not zero (tests)
	trainTries int                   // trainings in a row that gave none
	trainings  int                   // trainings started
	codec      atomic.Pointer[codec] // the dictionary files are kept with
	codecs     []*codec              // the dictionaries in use: that one, and older ones kept files need
	files      sync.Pool             // of *packed
	defaultMax int64                 // the default budget, once computed
	evictions  uint64
	builds     [numCauses]uint64
	gone       []uint64 // why a name was dropped (budget.go)
	seed       maphash.Seed
	missing    map[string]time.Time // names not built, until when that answer holds
	flights    map[string]*flight   // builds in progress, one per name
	gen        uint64               // bumped by every change (deps.go)
	floor      uint64               // files built before it are dropped (dropAll)
	changed    map[render.Dep]uint64
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
	target, ok := req.Target()
	if !ok {
		return nil, source.ErrNotFound
	}
	s.mu.Lock()
	k, ok, why := s.lookup(name)
	if ok {
		s.mu.Unlock()
		return s.serve(k)
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

	c.f, c.err = s.build(ctx, name, target, why)
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

// lookup returns a copy of the file kept for name when it is current,
// marking it the most recently served; a file one of whose records
// changed is dropped, and the build that follows counted as changed.
// Called holding mu.
func (s *Source) lookup(name string) (kept, bool, cause) {
	k, ok := s.cache[name]
	if !ok {
		return kept{}, false, causeFirst
	}
	if k.gen == s.gen || s.fresh(k) {
		k.gen = s.gen // current until the next change: no need to look at its records again
		s.touch(k)
		return *k, true, causeFirst
	}
	s.unlink(k)
	s.gauges()
	return kept{}, false, causeChanged
}

// serve hands out k: its source.Memory, or its bytes decompressed.
func (s *Source) serve(k kept) (source.File, error) {
	if k.f != nil {
		return k.f, nil
	}
	return s.open(&k)
}

// build renders name, caching the result unless a change arrived meanwhile.
func (s *Source) build(ctx context.Context, name string, target render.Target, why cause) (*source.Memory, error) {
	// A change that arrives while the file is being built may or may not
	// be in it: build again (a few times) so the requester gets a file
	// that is current as of a moment with no change in flight.
	var f *source.Memory
	for attempt := 0; attempt < 3; attempt++ {
		s.mu.Lock()
		if k, ok := s.cache[name]; ok && s.fresh(k) {
			k := *k
			s.mu.Unlock()
			if k.f != nil {
				return k.f, nil
			}
			return s.unpack(&k)
		}
		gen := s.gen
		s.mu.Unlock()
		start := time.Now()
		b, deps, err := s.renderTarget(ctx, target)
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
		s.count(name, &why)
		fresh := s.current(deps, gen)
		cache := fresh && !s.NoCache.Load()
		s.mu.Unlock()
		if cache {
			s.store(name, f, gen, deps)
		}
		if s.OnBuild != nil {
			s.OnBuild(target.Kind, time.Since(start), nil, !fresh)
		}
		if fresh {
			break
		}
	}
	return f, nil
}

// store keeps f, built at generation gen from deps, compressed when
// there is a dictionary, unless a change arrived while it was compressed.
func (s *Source) store(name string, f *source.Memory, gen uint64, deps []render.Dep) {
	z, c := s.pack(f.Bytes())
	k, ok := newKept(name, f, deps, z, c)
	if !ok {
		return
	}
	k.gen = gen
	s.mu.Lock()
	if c != nil {
		size := int64(len(z))
		if z == nil {
			size = f.Size() // not smaller: kept as it is
		}
		s.observe(c, f.Size(), size)
	}
	if s.current(deps, gen) {
		s.keep(k)
		s.sample(f.Bytes())
	}
	s.mu.Unlock()
}

// renderTarget loads the records target is rendered from and renders it
// (the same Load and render.Render that Render, cmtftp show, uses), with
// the records it was rendered from.
func (s *Source) renderTarget(ctx context.Context, target render.Target) ([]byte, []render.Dep, error) {
	r, err := Load(ctx, s.Store, target)
	if err != nil {
		return nil, nil, err
	}
	b, err := render.Render(target, r)
	return b, render.Deps(target, r), err
}

// Invalidate drops every cached file.
func (s *Source) Invalidate() {
	s.mu.Lock()
	s.dropAll()
	s.mu.Unlock()
}

var _ store.ChangeHandler = (*Source)(nil)

// HandleChange implements store.ChangeHandler: the files rendered from the
// changed record are built again when next asked for (deps.go); a resync
// drops them all; a change of a kind no builder reads (custom files,
// remote clusters, signing keys) changes nothing.
func (s *Source) HandleChange(_ context.Context, c store.Change) {
	switch c.Kind {
	case domain.KindFile, domain.KindRemote, store.KindKeys:
		return
	case store.KindResync:
		s.Invalidate()
		return
	}
	s.mu.Lock()
	s.changedRecord(c)
	s.mu.Unlock()
}
