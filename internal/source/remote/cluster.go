package remote

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"cmtftp/internal/source"
)

// cluster is one remote cluster: its servers in order, the files fetched
// from it (kept for Config.Keep, then revalidated), the names none of its
// servers has (for Config.NegativeTTL), and the fetches in flight, which
// concurrent requests for one name share.
type cluster struct {
	name     string
	priority atomic.Int64 // changed by a reload that keeps the cluster
	enabled  atomic.Bool
	servers  []*server

	mu       sync.Mutex
	dropped  bool // left the configuration: keeps nothing more
	kept     map[string]*kept
	negative map[string]time.Time
	flights  map[string]*flight
}

// kept is a file fetched from the cluster.
type kept struct {
	file  *source.Memory
	etag  string
	until time.Time // served as it is until then; revalidated after
}

// flight is one fetch that concurrent requests for a name share.
type flight struct {
	done chan struct{}
	file *source.Memory
	ans  answer
}

func newCluster(name string, priority int, enabled bool, servers []*server) *cluster {
	cl := &cluster{name: name, servers: servers,
		kept: map[string]*kept{}, negative: map[string]time.Time{}, flights: map[string]*flight{}}
	cl.set(priority, enabled)
	return cl
}

// set changes the cluster's priority and switch.
func (cl *cluster) set(priority int, enabled bool) {
	cl.priority.Store(int64(priority))
	cl.enabled.Store(enabled)
}

// open answers a request for name from this cluster: a fresh kept copy,
// a remembered miss, or the answer of its servers (asked once for all the
// requests that arrive meanwhile). via is the request's path so far.
func (cl *cluster) open(ctx context.Context, c *Clusters, name string, via []string) (*source.Memory, answer) {
	now := time.Now()
	cl.mu.Lock()
	k := cl.kept[name]
	if k != nil && now.Before(k.until) {
		cl.mu.Unlock()
		return k.file, answerHit
	}
	if until, ok := cl.negative[name]; ok && now.Before(until) {
		cl.mu.Unlock()
		return nil, answerNotFound
	}
	if f, ok := cl.flights[name]; ok {
		cl.mu.Unlock()
		select {
		case <-f.done:
			return f.file, f.ans
		case <-ctx.Done():
			return nil, answerBusy
		}
	}
	f := &flight{done: make(chan struct{})}
	cl.flights[name] = f
	cl.mu.Unlock()

	// The fetch is the flight's, not the first requester's: a client that
	// goes away does not end it for the others; its deadline bounds it.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.Budget)
	if dl, ok := ctx.Deadline(); ok {
		fctx, cancel = context.WithDeadline(context.WithoutCancel(ctx), dl)
	}
	f.file, f.ans = cl.fetch(fctx, c, name, via, k)
	cancel()
	cl.mu.Lock()
	delete(cl.flights, name)
	cl.mu.Unlock()
	close(f.done)
	return f.file, f.ans
}

// fetch asks the cluster's servers in order. stale, when set, is the copy
// kept before: a server that says it is current (304) renews it.
func (cl *cluster) fetch(ctx context.Context, c *Clusters, name string, via []string, stale *kept) (*source.Memory, answer) {
	etag := ""
	if stale != nil {
		etag = stale.etag
	}
	busy, unsure := false, false
	for _, srv := range cl.servers {
		ans, got := c.askCounted(ctx, srv, name, via, etag)
		switch ans {
		case answerHit:
			return cl.keep(c, name, got), answerHit
		case answerNotModified:
			if stale != nil {
				cl.renew(c, name, stale)
				return stale.file, answerHit
			}
			unsure = true // a 304 to a request that had no tag: a broken server
		case answerBusy:
			busy = true
		case answerError, answerLoop:
			unsure = true // no answer, or none to trust: not "it has none"
		}
		if ctx.Err() != nil {
			return nil, answerBusy // out of budget: not everyone was asked
		}
	}
	switch {
	case busy:
		return nil, answerBusy
	case unsure:
		return nil, answerError // not "nobody has it": not remembered
	}
	cl.mu.Lock()
	if len(cl.negative) >= maxNegative {
		clear(cl.negative)
	}
	cl.negative[name] = time.Now().Add(c.cfg.NegativeTTL)
	cl.mu.Unlock()
	return nil, answerNotFound
}

// keep makes a file of what a server sent and keeps it while the byte
// budget allows.
func (cl *cluster) keep(c *Clusters, name string, got fetched) *source.Memory {
	mod := got.mod
	if mod.IsZero() {
		mod = time.Now()
	}
	m := source.NewMemoryFrom(got.data, mod, cl.name)
	cl.mu.Lock()
	defer cl.mu.Unlock()
	delete(cl.negative, name)
	if old := cl.kept[name]; old != nil {
		c.keptBytes.Add(-old.file.Size())
		delete(cl.kept, name)
	}
	if !cl.dropped && c.reserve(m.Size()) {
		cl.kept[name] = &kept{file: m, etag: got.etag, until: time.Now().Add(c.cfg.Keep)}
	}
	return m
}

// reserve takes n bytes of the budget of kept files, or reports false.
func (c *Clusters) reserve(n int64) bool {
	for {
		had := c.keptBytes.Load()
		if had+n > c.cfg.CacheBytes {
			return false
		}
		if c.keptBytes.CompareAndSwap(had, had+n) {
			return true
		}
	}
}

// renew extends a kept copy that its server said is current.
func (cl *cluster) renew(c *Clusters, name string, k *kept) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.kept[name] == k {
		k.until = time.Now().Add(c.cfg.Keep)
	}
}

// sweep drops kept copies and misses that have expired past any use: kept
// copies a whole Keep past their time (a later request would revalidate
// them; one that nobody asks for again only holds memory).
func (cl *cluster) sweep(c *Clusters, now time.Time) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	for name, k := range cl.kept {
		if now.After(k.until.Add(c.cfg.Keep)) {
			c.keptBytes.Add(-k.file.Size())
			delete(cl.kept, name)
		}
	}
	for name, until := range cl.negative {
		if now.After(until) {
			delete(cl.negative, name)
		}
	}
}

// drop forgets everything kept, when the cluster leaves the configuration.
func (cl *cluster) drop(c *Clusters) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	cl.dropped = true // a fetch still in flight keeps nothing
	for name, k := range cl.kept {
		c.keptBytes.Add(-k.file.Size())
		delete(cl.kept, name)
	}
}
