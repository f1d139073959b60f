package source

import "sync/atomic"

// Slots is the Maximum Serving Count shared by every server that takes
// from it (TFTP and HTTP): a transfer holds a slot from its start to its
// end, and a request that finds none free is told to retry later.
type Slots struct {
	max, n atomic.Int64
}

// NewSlots returns n slots.
func NewSlots(n int) *Slots {
	s := &Slots{}
	s.max.Store(int64(n))
	return s
}

// Acquire takes a slot, or reports false when all are taken.
func (s *Slots) Acquire() bool {
	if s.n.Add(1) > s.max.Load() {
		s.n.Add(-1)
		return false
	}
	return true
}

// Release gives a slot back.
func (s *Slots) Release() { s.n.Add(-1) }

// SetMax changes the number of slots; transfers already holding one keep it.
func (s *Slots) SetMax(n int) { s.max.Store(int64(n)) }

// Max returns the number of slots.
func (s *Slots) Max() int64 { return s.max.Load() }

// InUse returns the slots taken now.
func (s *Slots) InUse() int64 { return s.n.Load() }
