package remote

import (
	"context"
	"net/netip"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cmtftp/internal/render"
	"cmtftp/internal/source"
)

// Home-cluster affinity, the chapter's known problem with centralized
// TFTP: a phone of cluster X asks the master for a common file
// (RingList.xml.sgn, a locale file), gets the master's own copy and
// rejects it, signed by the wrong cluster. So when a device's
// configuration file (SEP<MAC>.cnf.xml, or its .sgn) came from cluster X,
// the device's address is sent to X first for common files
// (Config.CommonFiles) for Config.AffinityTTL; the local chain comes after.

// affinityTable maps a device address to the cluster its configuration
// came from.
type affinityTable struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[netip.Addr]homeCluster
	// served counts the common files that went to a device's home
	// cluster first: found there ("remote") or not ("local").
	remote, local atomic.Uint64
}

// homeCluster is where one device address belongs.
type homeCluster struct {
	cluster string
	device  string // SEP<MAC>, for the log
	until   time.Time
}

func (a *affinityTable) init(ttl time.Duration) {
	a.ttl, a.m = ttl, map[netip.Addr]homeCluster{}
}

// put remembers that the device at addr belongs to cluster.
func (a *affinityTable) put(addr netip.Addr, cluster, device string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.m[addr]; !ok && len(a.m) >= maxAffinity {
		// Full: a tenth goes, whichever the map yields first (O(1) a put
		// on average); a phone dropped too soon only asks the master for
		// its common files until its configuration comes again.
		for k := range a.m {
			delete(a.m, k)
			if len(a.m) < maxAffinity*9/10 {
				break
			}
		}
	}
	a.m[addr] = homeCluster{cluster: cluster, device: device, until: time.Now().Add(a.ttl)}
}

// get returns the cluster the device at addr belongs to, if known.
func (a *affinityTable) get(addr netip.Addr) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	h, ok := a.m[addr]
	if !ok || time.Now().After(h.until) {
		return "", false
	}
	return h.cluster, true
}

// forget drops what is known of addr.
func (a *affinityTable) forget(addr netip.Addr) {
	a.mu.Lock()
	delete(a.m, addr)
	a.mu.Unlock()
}

// sweep drops expired entries.
func (a *affinityTable) sweep(now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, h := range a.m {
		if now.After(h.until) {
			delete(a.m, k)
		}
	}
}

// remember records a device's home cluster when req, answered by cl, was
// for the device's configuration file.
func (c *Clusters) remember(req *source.Request, cl *cluster) {
	if len(c.cfg.CommonFiles) == 0 || len(req.Via) > 0 {
		return
	}
	if dev, ok := deviceConfig(req.Path); ok {
		c.affinity.put(req.Remote.Addr(), cl.name, dev)
	}
}

// deviceConfig reports whether name is a device's SEP<MAC>.cnf.xml (or
// its .sgn), and which device's.
func deviceConfig(name string) (string, bool) {
	t, ok := render.Resolve(strings.TrimSuffix(name, ".sgn"))
	return t.Key, ok && t.Kind == render.DeviceXMLFile
}

// common reports whether name is one of Config.CommonFiles.
func (c *Clusters) common(name string) bool {
	lower := strings.ToLower(name)
	base := path.Base(lower)
	for _, p := range c.cfg.CommonFiles {
		if ok, _ := path.Match(p, lower); ok {
			return true
		}
		if !strings.Contains(p, "/") {
			if ok, _ := path.Match(p, base); ok {
				return true
			}
		}
	}
	return false
}

// Affinity returns the chain step that goes before the local files: a
// common file asked for by a device whose configuration came from another
// cluster is fetched from that cluster; if it lacks the file (or cannot be
// reached) the chain goes on to the local copy; if it is busy, the device
// is told busy rather than given a copy it would reject.
func (c *Clusters) Affinity() source.Source {
	return source.Func(func(ctx context.Context, req *source.Request) (source.File, error) {
		if len(req.Via) > 0 || !c.Configured() {
			return nil, source.ErrNotFound
		}
		if !c.common(req.Path) {
			if _, ok := deviceConfig(req.Path); ok {
				// Asked again: the answer (here, or from a remote
				// cluster, which remembers it anew) says where it is from
				// now — a master's own phone may have the address a phone
				// of another cluster had.
				c.affinity.forget(req.Remote.Addr())
			}
			return nil, source.ErrNotFound
		}
		home, ok := c.affinity.get(req.Remote.Addr())
		if !ok {
			return nil, source.ErrNotFound
		}
		cl := c.enabled(home)
		if cl == nil {
			return nil, source.ErrNotFound
		}
		ctx, cancel := context.WithTimeout(ctx, c.cfg.Budget)
		defer cancel()
		f, ans := cl.open(ctx, c, req.Path, req.Via)
		switch ans {
		case answerHit:
			c.affinity.remote.Add(1)
			return f, nil
		case answerBusy:
			return nil, source.ErrBusy
		}
		c.affinity.local.Add(1)
		return nil, source.ErrNotFound
	})
}

// enabled returns the enabled cluster named name, or nil.
func (c *Clusters) enabled(name string) *cluster {
	for _, cl := range *c.on.Load() {
		if cl.name == name {
			return cl
		}
	}
	return nil
}
