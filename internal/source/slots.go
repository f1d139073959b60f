package source

import (
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// Slots is the Maximum Serving Count shared by every server that takes
// from it (TFTP and HTTP): a transfer holds a slot from its start to its
// end, and a request that finds none free is told to retry later.
//
// Slots are shared fairly: a source (a client address, IPv4 or IPv6, each
// whole) holds at most PerSource of them at once
// (AcquireFrom), so that one host cannot take the service from the others.
// A source also has a budget of unverified bytes (Charge, Refund): bytes
// sent to a peer that has not yet shown it is there by acknowledging what
// it was sent, so that forged requests draw little traffic towards the
// address they name.
//
// What is kept per source is bounded: at most MaxSources sources are
// tracked, the one used least recently dropped first; each call costs one
// map look-up under a lock. A source dropped while it holds slots has them
// given back to the shared count as usual, but its own count starts afresh.
type Slots struct {
	max, n atomic.Int64

	mu         sync.Mutex
	perSource  int // 0: DefaultPerSource of max; negative: no cap
	maxSources int
	budget     int64   // unverified bytes a source may draw at once
	refill     float64 // unverified bytes a source regains per second
	srcs       map[sourceKey]*sourceEntry
	head       sourceEntry // of a ring, most recently used first
	now        func() time.Time
}

// Defaults of the per-source limits.
const (
	// DefaultMaxSources is how many sources are tracked at once.
	DefaultMaxSources = 4096
	// DefaultUnverifiedBudget is the unverified bytes a source may draw at
	// once: a phone asks for one file at a time, whose first block (at
	// most 516 bytes without options, an OACK of some 60 with) is
	// refunded as soon as the phone acknowledges it.
	DefaultUnverifiedBudget = 16 << 10
	// DefaultUnverifiedRefill is the unverified bytes per second a source
	// regains.
	DefaultUnverifiedRefill = 4 << 10
)

// DefaultPerSource returns the per-source cap used for n slots unless set:
// a twentieth of them, and at least 4.
func DefaultPerSource(n int) int { return max(4, n/20) }

// sourceKey is a source's address as the limits see it: the address
// whole, an IPv4 one mapped into IPv6. IPv6 addresses are not cut to their
// /64: a voice VLAN is one /64, and its phones must not share one share.
// A host that rotates addresses within its /64 gets a share per address;
// the slots in all and the sources tracked stay bounded.
type sourceKey [16]byte

// sourceEntry is what is kept for one source.
type sourceEntry struct {
	key        sourceKey
	held       int     // slots held now
	credit     float64 // unverified bytes it may still draw
	at         time.Time
	prev, next *sourceEntry
}

// NewSlots returns n slots, with the default per-source limits.
func NewSlots(n int) *Slots {
	s := &Slots{maxSources: DefaultMaxSources,
		budget: DefaultUnverifiedBudget, refill: DefaultUnverifiedRefill, now: time.Now}
	s.max.Store(int64(n))
	return s
}

// Acquire takes a slot, or reports false when all are taken. It counts
// against no source: use AcquireFrom for a client's request.
func (s *Slots) Acquire() bool {
	if s.n.Add(1) > s.max.Load() {
		s.n.Add(-1)
		return false
	}
	return true
}

// Release gives a slot taken by Acquire back.
func (s *Slots) Release() { s.n.Add(-1) }

// AcquireFrom takes a slot for a request from the client address a, or
// reports false when all are taken or a holds its share already.
func (s *Slots) AcquireFrom(a netip.Addr) bool {
	s.mu.Lock()
	e := s.entry(a)
	if c := s.cap(); c > 0 && e.held >= c {
		s.mu.Unlock()
		return false
	}
	if !s.Acquire() {
		s.mu.Unlock()
		return false
	}
	e.held++
	s.mu.Unlock()
	return true
}

// ReleaseFrom gives back a slot that AcquireFrom took for a.
func (s *Slots) ReleaseFrom(a netip.Addr) {
	s.Release()
	s.mu.Lock()
	if e := s.srcs[keyOf(a)]; e != nil && e.held > 0 {
		e.held--
	}
	s.mu.Unlock()
}

// Charge takes n bytes from a's unverified budget, or reports false, taking
// nothing, when it holds less.
func (s *Slots) Charge(a netip.Addr, n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.budget < 0 {
		return true
	}
	e := s.entry(a)
	now := s.now()
	e.credit = min(float64(s.budget), e.credit+now.Sub(e.at).Seconds()*s.refill)
	e.at = now
	if e.credit < float64(n) {
		return false
	}
	e.credit -= float64(n)
	return true
}

// Refund gives n bytes back to a's unverified budget: the peer it was
// charged for has acknowledged what it was sent.
func (s *Slots) Refund(a netip.Addr, n int) {
	s.mu.Lock()
	if e := s.srcs[keyOf(a)]; e != nil {
		e.credit = min(float64(s.budget), e.credit+float64(n))
	}
	s.mu.Unlock()
}

// SetMax changes the number of slots; transfers already holding one keep it.
func (s *Slots) SetMax(n int) { s.max.Store(int64(n)) }

// cap is the per-source cap now; 0 is none. Called holding mu.
func (s *Slots) cap() int {
	switch {
	case s.perSource < 0:
		return 0
	case s.perSource == 0:
		return DefaultPerSource(int(s.max.Load()))
	}
	return s.perSource
}

// SetPerSource sets how many slots one source may hold at once: 0 is the
// default, DefaultPerSource of the number of slots (following SetMax);
// negative is no cap.
func (s *Slots) SetPerSource(n int) {
	s.mu.Lock()
	s.perSource = n
	s.mu.Unlock()
}

// SetUnverifiedBudget sets the unverified bytes a source may draw at once
// and regains per second; 0 keeps the value set, a negative burst is no
// budget at all.
func (s *Slots) SetUnverifiedBudget(burst, perSecond int) {
	s.mu.Lock()
	if burst != 0 {
		s.budget = int64(burst)
	}
	if perSecond > 0 {
		s.refill = float64(perSecond)
	}
	s.mu.Unlock()
}

// SetMaxSources sets how many sources are tracked at once (at least 1).
func (s *Slots) SetMaxSources(n int) {
	s.mu.Lock()
	s.maxSources = max(1, n)
	s.mu.Unlock()
}

// PerSource returns the per-source cap in force; 0 is none.
func (s *Slots) PerSource() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cap()
}

// Max returns the number of slots.
func (s *Slots) Max() int64 { return s.max.Load() }

// InUse returns the slots taken now.
func (s *Slots) InUse() int64 { return s.n.Load() }

// Sources returns how many sources are tracked now.
func (s *Slots) Sources() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.srcs)
}

// entry returns a's entry, made most recently used; a new one starts with
// a full budget and takes the place of the least recently used when
// maxSources are tracked. Called holding mu.
func (s *Slots) entry(a netip.Addr) *sourceEntry {
	k := keyOf(a)
	if e := s.srcs[k]; e != nil {
		s.unlink(e)
		s.pushFront(e)
		return e
	}
	if s.srcs == nil {
		s.srcs = make(map[sourceKey]*sourceEntry, min(s.maxSources, 1024))
		s.head.prev, s.head.next = &s.head, &s.head
	}
	var e *sourceEntry
	if len(s.srcs) >= s.maxSources && s.head.prev != &s.head {
		e = s.head.prev // the oldest: reused
		s.unlink(e)
		delete(s.srcs, e.key)
	} else {
		e = new(sourceEntry)
	}
	*e = sourceEntry{key: k, credit: float64(s.budget), at: s.now()}
	s.srcs[k] = e
	s.pushFront(e)
	return e
}

func (s *Slots) unlink(e *sourceEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

func (s *Slots) pushFront(e *sourceEntry) {
	e.prev, e.next = &s.head, s.head.next
	s.head.next.prev = e
	s.head.next = e
}

// keyOf is a's key: the address whole (IPv4 mapped or not alike), the
// zone dropped.
func keyOf(a netip.Addr) sourceKey { return sourceKey(a.Unmap().As16()) }
