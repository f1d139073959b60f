package built

import "hash/maphash"

// The byte budget. Kept files are on one doubly linked list, most recently
// served first; a hit moves its file to the front, and past the budget the
// file at the back is dropped: O(1) per request and per eviction, and a
// fixed entry per file (entry.go). A dropped file is built again when
// next asked for.

// DefaultMaxBytes caps the default budget (Source.MaxBytes zero): an eighth
// of the machine's memory or of the cgroup's memory limit, at most this.
const DefaultMaxBytes = 512 << 20

// goneSlots is the size of the table that remembers why a name is no
// longer kept (evicted, or dropped by a change of everything), so its next
// build is counted under the right cause. A name whose slot was taken by
// another is counted as a first build: the counts are exact up to this
// many names and close past it.
const goneSlots = 1 << 15

// budget is the byte budget in force: MaxBytes, or the default for zero;
// negative is no budget. Called holding mu.
func (s *Source) budget() int64 {
	switch {
	case s.MaxBytes < 0:
		return -1
	case s.MaxBytes > 0:
		return s.MaxBytes
	}
	if s.defaultMax == 0 {
		s.defaultMax = min(DefaultMaxBytes, physicalMemory()/8)
		if s.defaultMax <= 0 {
			s.defaultMax = DefaultMaxBytes
		}
	}
	return s.defaultMax
}

// keep puts k in the cache as the most recently served file, replacing
// any file kept under its name, and evicts past the budget. Called
// holding mu.
func (s *Source) keep(k *kept) {
	if s.cache == nil {
		s.cache = map[string]*kept{}
	}
	name := k.name()
	if old, ok := s.cache[name]; ok {
		s.unlink(old)
	}
	s.cache[name] = k
	s.pushFront(k)
	s.bytes += k.charge()
	s.fileBytes += k.size()
	if k.c != nil {
		s.compressed++
		k.c.refs++
	}
	limit := s.budget()
	for limit >= 0 && s.bytes > limit && s.head.prev != &s.head {
		s.evict(s.head.prev)
	}
	s.gauges()
}

// touch marks k the most recently served file. Called holding mu.
func (s *Source) touch(k *kept) {
	if s.head.next == k {
		return
	}
	k.prev.next, k.next.prev = k.next, k.prev
	s.pushFront(k)
}

// pushFront links k at the front of the list. Called holding mu.
func (s *Source) pushFront(k *kept) {
	if s.head.next == nil {
		s.head.next, s.head.prev = &s.head, &s.head
	}
	k.prev, k.next = &s.head, s.head.next
	s.head.next.prev = k
	s.head.next = k
}

// unlink takes k out of the list and the cache. Called holding mu.
func (s *Source) unlink(k *kept) {
	if k.prev != nil {
		k.prev.next, k.next.prev = k.next, k.prev
		k.prev, k.next = nil, nil
	}
	if name := k.name(); s.cache[name] == k {
		delete(s.cache, name)
	}
	s.bytes -= k.charge()
	s.fileBytes -= k.size()
	if k.c != nil {
		s.compressed--
	}
	s.release(k)
}

// evict drops k, the least recently served file, to keep the budget.
// Called holding mu.
func (s *Source) evict(k *kept) {
	s.unlink(k)
	s.evictions++
	s.remember(k.name(), causeEvicted)
	if s.Metrics != nil {
		s.Metrics.evictions.Inc()
	}
}

// remember notes why name is no longer kept. Called holding mu.
func (s *Source) remember(name string, c cause) {
	if s.gone == nil {
		s.gone = make([]uint64, goneSlots)
		s.seed = maphash.MakeSeed()
	}
	h := maphash.String(s.seed, name)
	s.gone[h%goneSlots] = h&^3 | uint64(c)
}

// forget reports why name was last dropped (causeFirst when it never was,
// or its note was overwritten) and forgets it. Called holding mu.
func (s *Source) forget(name string) cause {
	if s.gone == nil {
		return causeFirst
	}
	h := maphash.String(s.seed, name)
	slot := &s.gone[h%goneSlots]
	if *slot&^3 != h&^3 || *slot == 0 {
		return causeFirst
	}
	c := cause(*slot & 3)
	*slot = 0
	return c
}

// gauges sets the cache's gauges. Called holding mu.
func (s *Source) gauges() {
	if s.Metrics != nil {
		s.Metrics.bytes.Set(float64(s.bytes))
		s.Metrics.entries.Set(float64(len(s.cache)))
	}
}

// count counts a build of name under its cause: why, or for a name not
// kept before the reason it was dropped, or uncached while caching is
// off. A build tried again (a change arrived meanwhile) counts as
// changed. Called holding mu.
func (s *Source) count(name string, why *cause) {
	c := *why
	switch {
	case s.NoCache.Load():
		c = causeUncached
	case c == causeFirst:
		c = s.forget(name)
	}
	s.builds[c]++
	if s.Metrics != nil {
		s.Metrics.rebuilds[c].Inc()
	}
	*why = causeChanged
}
