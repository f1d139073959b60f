package remote

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
)

// Clusters is the serving chain's last step: the enabled remote clusters
// in order (Priority, then name), each of its servers in order. A file one
// of them has is served; when none has it but one said busy, the device is
// told busy; else it is not found. See the README's "Centralized TFTP".
type Clusters struct {
	cfg       Config
	sem       chan struct{} // Config.Concurrency
	keptBytes atomic.Int64
	affinity  affinityTable

	loopLog, forwardLog source.LogLimit
	forwardRefused      atomic.Uint64 // proxied requests not passed on (refuseForward)

	reloadMu sync.Mutex // one reload at a time
	said     string     // the enabled clusters as last logged
	saidAll  int
	all      atomic.Pointer[[]*cluster] // every configured cluster, in order
	on       atomic.Pointer[[]*cluster] // the enabled ones
}

var (
	_ source.Source       = (*Clusters)(nil)
	_ store.ChangeHandler = (*Clusters)(nil)
)

// New returns the remote clusters step; call Reload (or let the feed call
// HandleChange) to read the configuration, and Run for the probes.
func New(cfg Config) *Clusters {
	cfg.fill()
	c := &Clusters{cfg: cfg, sem: make(chan struct{}, cfg.Concurrency)}
	c.affinity.init(cfg.AffinityTTL)
	empty := []*cluster{}
	c.all.Store(&empty)
	c.on.Store(&empty)
	if cfg.Registry != nil {
		cfg.Registry.MustRegister(&collector{c: c})
	}
	return c
}

// Configured reports whether any remote cluster is enabled.
func (c *Clusters) Configured() bool { return len(*c.on.Load()) > 0 }

// Open implements source.Source.
func (c *Clusters) Open(ctx context.Context, req *source.Request) (source.File, error) {
	list := *c.on.Load()
	if len(list) == 0 {
		return nil, source.ErrNotFound
	}
	if len(req.Via) > 0 {
		c.refuseForward(req)
		return nil, source.ErrNotFound
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Budget)
	defer cancel()
	busy := false
	for _, cl := range list {
		f, ans := cl.open(ctx, c, req.Path, req.Via)
		switch ans {
		case answerHit:
			c.remember(req, cl)
			return f, nil
		case answerBusy:
			busy = true
		}
		if ctx.Err() != nil {
			return nil, source.ErrBusy
		}
	}
	if busy {
		return nil, source.ErrBusy
	}
	return nil, source.ErrNotFound
}

// refuseForward ends a request proxied from another cluster's master that
// this server's own chain lacks: a server answers such a request from its
// own chain only, never passing it on to its remote clusters — the
// chapter's "servers must not point at each other in a loop". It is
// counted and (at most once a second) logged, since it means this server
// is both a master and another master's remote.
func (c *Clusters) refuseForward(req *source.Request) {
	c.forwardRefused.Add(1)
	if ok, held := c.forwardLog.Allow(time.Now()); ok {
		c.cfg.Logger.Warn("proxied request not passed on to this server's remote clusters: do servers point at each other?",
			"file", req.Path, "client", req.Remote.String(), "via", strings.Join(req.Via, ", "), "suppressed_before", held)
	}
}

// askCounted asks srv, unless it is marked down, within the concurrency
// bound, and counts and logs what it said.
func (c *Clusters) askCounted(ctx context.Context, srv *server, name string, via []string, etag string) (answer, fetched) {
	if srv.down() {
		return answerSkipped, fetched{}
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return answerBusy, fetched{}
	}
	start := time.Now()
	ans, got, err := c.ask(ctx, srv, name, via, etag)
	<-c.sem
	if errors.Is(err, errBudget) {
		return answerBusy, fetched{} // cut short by the device request's time: nothing known of the server
	}
	srv.count(ans, time.Since(start))
	switch {
	case ans == answerLoop:
		srv.noteError(time.Now(), err.Error())
		if ok, held := c.loopLog.Allow(time.Now()); ok {
			c.cfg.Logger.Warn("remote cluster server refused a request as a loop: do servers point at each other?",
				"cluster", srv.cluster, "server", srv.addr, "file", name, "err", err, "suppressed_before", held)
		}
	case ans == answerError && isTransport(err):
		if srv.markDown(time.Now(), c.cfg.DownFor, err) {
			c.cfg.Logger.Warn("remote cluster server down", "cluster", srv.cluster, "server", srv.addr, "for", c.cfg.DownFor, "err", err)
		}
	case ans == answerError:
		srv.noteError(time.Now(), err.Error())
		c.cfg.Logger.Warn("remote cluster server failed a request", "cluster", srv.cluster, "server", srv.addr, "file", name, "err", err)
	}
	return ans, got
}

// isTransport reports whether err is a failure to reach the server or to
// get its answer in time, rather than an answer.
func isTransport(err error) bool {
	return err != nil && !errors.Is(err, errTooLarge) && !errors.Is(err, errStatus)
}

// HandleChange implements store.ChangeHandler: a change of a remote
// cluster (or a resync) reloads them.
func (c *Clusters) HandleChange(ctx context.Context, ch store.Change) {
	if ch.Kind == domain.KindRemote || ch.Kind == store.KindResync {
		if err := c.Reload(ctx); err != nil {
			c.cfg.Logger.Warn("remote clusters not reloaded; the previous configuration stays", "err", err)
		}
	}
}

// Reload reads the configuration through Config.Load. Servers that stay
// keep their health and counters, clusters their kept files.
func (c *Clusters) Reload(ctx context.Context) error {
	if c.cfg.Load == nil {
		return nil
	}
	recs, err := c.cfg.Load(ctx)
	if err != nil {
		return err
	}
	c.reloadMu.Lock()
	defer c.reloadMu.Unlock()
	old := map[string]*cluster{}
	for _, cl := range *c.all.Load() {
		old[cl.name] = cl
	}
	all, on := c.build(recs, old)
	c.all.Store(&all)
	c.on.Store(&on)
	for _, cl := range old {
		cl.drop(c)
	}
	names := make([]string, 0, len(on))
	for _, cl := range on {
		names = append(names, cl.name+"="+strings.Join(cl.addrs(), ","))
	}
	if said := strings.Join(names, " "); said != c.said || len(all) != c.saidAll {
		c.said, c.saidAll = said, len(all)
		c.cfg.Logger.Info("remote clusters", "enabled", names, "configured", len(all))
	}
	return nil
}

// build makes the cluster list of recs, reusing (and removing from old)
// the clusters and servers that stay.
func (c *Clusters) build(recs []*domain.RemoteCluster, old map[string]*cluster) (all, on []*cluster) {
	slices.SortStableFunc(recs, func(a, b *domain.RemoteCluster) int {
		return cmp.Or(cmp.Compare(a.Priority, b.Priority), cmp.Compare(a.Name, b.Name))
	})
	for _, r := range recs {
		prev := old[r.Name]
		servers := make([]*server, 0, len(r.Servers))
		for _, addr := range r.Servers {
			if s := prev.server(addr); s != nil {
				servers = append(servers, s)
				continue
			}
			s, err := newServer(r.Name, addr)
			if err != nil {
				c.cfg.Logger.Warn("remote cluster server left out", "cluster", r.Name, "server", addr, "err", err)
				continue
			}
			servers = append(servers, s)
		}
		cl := newCluster(r.Name, r.Priority, !r.Disabled, servers)
		if prev != nil && slices.Equal(r.Servers, prev.addrs()) {
			cl = prev // the same servers: keep what was fetched
			cl.set(r.Priority, !r.Disabled)
			delete(old, r.Name)
		}
		all = append(all, cl)
		if !r.Disabled && len(cl.servers) > 0 {
			on = append(on, cl)
		}
	}
	return all, on
}

// server returns the cluster's server with the configured address addr.
func (cl *cluster) server(addr string) *server {
	if cl == nil {
		return nil
	}
	for _, s := range cl.servers {
		if s.addr == addr {
			return s
		}
	}
	return nil
}

// addrs lists the cluster's server addresses in order.
func (cl *cluster) addrs() []string {
	out := make([]string, len(cl.servers))
	for i, s := range cl.servers {
		out[i] = s.addr
	}
	return out
}

// Status returns every configured cluster with its servers' health and
// counters, in search order.
func (c *Clusters) Status() []ClusterStatus {
	out := []ClusterStatus{}
	for _, cl := range *c.all.Load() {
		cs := ClusterStatus{Cluster: cl.name, Enabled: cl.enabled.Load(), Priority: int(cl.priority.Load()), Servers: []ServerStatus{}}
		for _, s := range cl.servers {
			cs.Servers = append(cs.Servers, s.status())
		}
		out = append(out, cs)
	}
	return out
}
