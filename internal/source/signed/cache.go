package signed

import (
	"container/list"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"time"

	"cmtftp/internal/source"
)

// DefaultMaxBytes is the byte budget of the kept headers, trust lists,
// encrypted files and certificates when Step.MaxBytes is zero.
const DefaultMaxBytes = 32 << 20

// entryOverhead is what an entry costs besides its bytes: the entry, its
// list element and its map slot, rounded up.
const entryOverhead = 256

// entry is one kept result: a header (with the stub for an encrypted
// device), a whole file (trust list, encrypted configuration) or a
// device's certificate. It is valid for the State it was made under and,
// when sum is set, for the content whose hash sum is.
type entry struct {
	key              string
	sum              string
	state            *State
	head             []byte         // a signed file's header
	body             *source.Memory // a stub, a trust list, an encrypted file
	cert             *x509.Certificate
	certSum          [sha256.Size]byte   // SHA-256 of cert.Raw
	certSHA, certMD5 string              // hex SHA-256 and MD5 of cert.Raw
	until            time.Time           // when set, the entry is dropped from then on (a missing certificate)
	made             time.Time           // when the header or the encryption was made
	list             *entry              // the kept trust-list body this header goes with (counted there)
	users            map[*entry]struct{} // of a trust-list body: the headers that go with it
	size             int64
	elem             *list.Element
}

// charge sets e.size to what e holds.
func (e *entry) charge() {
	e.size = entryOverhead + int64(len(e.key)+len(e.sum)+len(e.head))
	if e.body != nil && e.list == nil {
		e.size += e.body.Size() + 64 // the Memory and its hash
	}
	if e.cert != nil {
		e.size += 2*int64(len(e.cert.Raw)) + 1024 // the DER and its parsed fields
	}
}

// flightKey names one making of one entry that concurrent requests share.
type flightKey struct {
	key, sum string
	state    *State
}

// flight is a making in progress. A stale flight's result is not kept: a
// change (a device's, a resync) arrived while it was being made, so it may
// hold what the change replaced.
type flight struct {
	done  chan struct{}
	e     *entry
	err   error
	stale bool
}

// kept returns the entry for key made under st from content sum, making
// it with build when there is none: once, whatever the number of requests
// asking at the same moment, and outside the lock. Errors are not kept.
func (s *Step) kept(ctx context.Context, key, sum string, st *State, build func() (*entry, error)) (*entry, error) {
	s.mu.Lock()
	if e, ok := s.entries[key]; ok {
		if e.sum == sum && e.state == st && (e.until.IsZero() || time.Now().Before(e.until)) {
			s.lru.MoveToFront(e.elem)
			if e.list != nil {
				s.lru.MoveToFront(e.list.elem) // a body outlives the headers that go with it
			}
			s.mu.Unlock()
			s.hit()
			return e, nil
		}
		s.drop(e)
	}
	fk := flightKey{key, sum, st}
	if f, ok := s.flights[fk]; ok {
		s.mu.Unlock()
		select {
		case <-f.done:
			return f.e, f.err
		case <-ctx.Done():
			return nil, source.ErrBusy
		}
	}
	f := &flight{done: make(chan struct{})}
	if s.flights == nil {
		s.flights = map[flightKey]*flight{}
	}
	s.flights[fk] = f
	s.mu.Unlock()

	f.e, f.err = build()
	s.mu.Lock()
	if s.flights[fk] == f {
		delete(s.flights, fk)
	}
	if f.err == nil {
		f.e.key, f.e.sum, f.e.state = key, sum, st
		if !f.stale && (f.e.list == nil || s.entries[f.e.list.key] == f.e.list) {
			s.keep(f.e)
		}
	}
	s.mu.Unlock()
	close(f.done)
	return f.e, f.err
}

// keep adds e, replacing the entry of its key, and drops the least
// recently used entries past the budget. Called holding mu.
func (s *Step) keep(e *entry) {
	if old, ok := s.entries[e.key]; ok {
		s.drop(old)
	}
	if s.entries == nil {
		s.entries = map[string]*entry{}
	}
	e.charge()
	e.elem = s.lru.PushFront(e)
	s.entries[e.key] = e
	if e.list != nil {
		if e.list.users == nil {
			e.list.users = map[*entry]struct{}{}
		}
		e.list.users[e] = struct{}{}
	}
	s.bytes += e.size
	max := s.budget()
	for max >= 0 && s.bytes > max && s.lru.Len() > 1 {
		s.drop(s.lru.Back().Value.(*entry))
		s.evictions++
		if s.Metrics != nil {
			s.Metrics.evictions.Inc()
		}
	}
	s.gauges()
}

// drop removes e. Called holding mu.
func (s *Step) drop(e *entry) {
	if s.entries[e.key] != e {
		return
	}
	delete(s.entries, e.key)
	s.lru.Remove(e.elem)
	s.bytes -= e.size
	if e.list != nil {
		delete(e.list.users, e)
	}
	for u := range e.users { // a body's headers go with it: none holds it uncounted
		s.drop(u)
	}
	s.gauges()
}

// detach marks the flights making key stale and takes them out of the
// flights, so a request from now on makes the entry again. Called holding
// mu.
func (s *Step) detach(key string) {
	for fk, f := range s.flights {
		if key == "" || fk.key == key {
			f.stale = true
			delete(s.flights, fk)
		}
	}
}

// forget drops the entry of key, if any. Called holding mu.
func (s *Step) forget(key string) {
	if e, ok := s.entries[key]; ok {
		s.drop(e)
	}
}

// budget is the byte budget: MaxBytes, DefaultMaxBytes when zero, -1
// (none) when negative.
func (s *Step) budget() int64 {
	switch {
	case s.MaxBytes < 0:
		return -1
	case s.MaxBytes == 0:
		return DefaultMaxBytes
	}
	return s.MaxBytes
}

// gauges publishes the cache's size. Called holding mu.
func (s *Step) gauges() {
	if s.Metrics != nil {
		s.Metrics.bytes.Set(float64(s.bytes))
		s.Metrics.entries.Set(float64(len(s.entries)))
	}
}

// hit counts a request answered from a kept entry.
func (s *Step) hit() {
	if s.Metrics != nil {
		s.Metrics.hits.Inc()
	}
}

// CacheStats returns the kept entries, the bytes they are charged and
// the entries dropped for the budget so far.
func (s *Step) CacheStats() (entries int, bytes int64, evictions uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries), s.bytes, s.evictions
}
