package timeline

import "unsafe"

// ring is one device's last requests, oldest overwritten first. Its slice
// grows (doubling, up to the timeline's per) as the device makes
// requests, so a device heard once costs one slot, not per.
type ring struct {
	mac        uint64
	records    []record
	next       int32 // the slot the next record goes into, once full
	full       bool  // every slot up to per is in use
	known      bool  // in the known devices' pool
	bytes      int64 // what it counts against its pool's bound
	prev, newr *ring // the pool's order: newr towards the most recently heard
}

// ringOverhead is what a remembered device costs beyond its slots: the
// ring and its slot in the index by MAC.
const ringOverhead = int64(unsafe.Sizeof(ring{})) + 32

// pool is one budget of devices, linked from the least recently heard
// (oldest) to the most (newest): adding, touching and forgetting are O(1).
// It holds at most max devices and maxBytes bytes.
type pool struct {
	max            int
	maxBytes       int64
	n              int
	bytes          int64
	oldest, newest *ring
}

func (p *pool) unlink(r *ring) {
	if r.prev != nil {
		r.prev.newr = r.newr
	} else {
		p.oldest = r.newr
	}
	if r.newr != nil {
		r.newr.prev = r.prev
	} else {
		p.newest = r.prev
	}
	r.prev, r.newr = nil, nil
	p.n--
	p.bytes -= r.bytes
}

func (p *pool) push(r *ring) {
	r.prev, r.newr = p.newest, nil
	if p.newest != nil {
		p.newest.newr = r
	} else {
		p.oldest = r
	}
	p.newest = r
	p.n++
	p.bytes += r.bytes
}

// has reports whether r is in p.
func (p *pool) has(r *ring) bool { return r.prev != nil || r.newr != nil || p.oldest == r }

// over reports whether p is past its bounds, not counting keep (the
// device being recorded, which is never the one forgotten).
func (p *pool) over(keep *ring) bool {
	return p.oldest != nil && p.oldest != keep && (p.n > p.max || p.bytes > p.maxBytes)
}
