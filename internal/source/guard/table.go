package guard

import (
	"net/netip"
)

// entry is one source's budgets; prev and next link the table's entries
// from the most recently heard (head) to the least (tail).
type entry struct {
	addr       netip.Addr
	requests   float64
	notFound   float64
	last       int64 // when the buckets were last refilled, ns since start
	logged     int64 // when its throttling was last logged (0: never)
	prev, next int32
}

// refill adds the tokens earned since the last refill, up to the bursts.
func (e *entry) refill(now int64, c *Config) {
	dt := float64(now-e.last) / 1e9
	if dt <= 0 {
		return
	}
	e.last = now
	e.requests = min(e.requests+dt*c.Requests.Rate, float64(c.Requests.Burst))
	e.notFound = min(e.notFound+dt*c.NotFound.Rate, float64(c.NotFound.Burst))
}

// table holds at most max entries in a slice, found through an index and
// linked in recency order, so finding, adding and forgetting are O(1).
type table struct {
	max        int
	index      map[netip.Addr]int32
	entries    []entry
	head, tail int32
}

const none = -1

func (t *table) init(max int) {
	t.max = max
	t.index = make(map[netip.Addr]int32, min(max, 4096))
	t.head, t.tail = none, none
}

// find returns the entry of addr or nil, without touching the order.
func (t *table) find(addr netip.Addr) *entry {
	if i, ok := t.index[addr]; ok {
		return &t.entries[i]
	}
	return nil
}

// get returns the entry of addr, now the most recently heard: an existing
// one, a new one with full buckets, or — at max — the least recently
// heard one's, reused.
func (t *table) get(addr netip.Addr, now int64, c *Config) *entry {
	if i, ok := t.index[addr]; ok {
		t.unlink(i)
		t.pushFront(i)
		return &t.entries[i]
	}
	var i int32
	if len(t.entries) < t.max {
		t.entries = append(t.entries, entry{})
		i = int32(len(t.entries) - 1)
	} else {
		i = t.tail
		t.unlink(i)
		delete(t.index, t.entries[i].addr)
	}
	t.entries[i] = entry{addr: addr, requests: float64(c.Requests.Burst), notFound: float64(c.NotFound.Burst), last: now}
	t.index[addr] = i
	t.pushFront(i)
	return &t.entries[i]
}

func (t *table) unlink(i int32) {
	e := &t.entries[i]
	if e.prev != none {
		t.entries[e.prev].next = e.next
	} else {
		t.head = e.next
	}
	if e.next != none {
		t.entries[e.next].prev = e.prev
	} else {
		t.tail = e.prev
	}
	e.prev, e.next = none, none
}

func (t *table) pushFront(i int32) {
	e := &t.entries[i]
	e.prev, e.next = none, t.head
	if t.head != none {
		t.entries[t.head].prev = i
	} else {
		t.tail = i
	}
	t.head = i
}
