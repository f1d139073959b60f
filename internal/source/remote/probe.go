package remote

import (
	"context"
	"net/http"
	"time"

	"cmtftp/internal/source"
)

// Run probes the servers marked down, once their DownFor has passed, and
// sweeps expired state, until ctx ends. A server comes back only through
// a probe: requests never wait on a server that is down.
func (c *Clusters) Run(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var lastSweep time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			c.probeDue(ctx, now)
			if now.Sub(lastSweep) > 10*time.Second {
				lastSweep = now
				for _, cl := range *c.all.Load() {
					cl.sweep(c, now)
				}
				c.affinity.sweep(now)
			}
		}
	}
}

// probeDue probes every server whose down mark has run out, one after the
// other (probes are rare and each is bounded by Config.Timeout).
func (c *Clusters) probeDue(ctx context.Context, now time.Time) {
	for _, cl := range *c.all.Load() {
		for _, s := range cl.servers {
			if !s.probeDue(now) || ctx.Err() != nil {
				continue
			}
			if err := c.probe(ctx, s); err != nil {
				s.markDown(time.Now(), c.cfg.DownFor, err)
				continue
			}
			if s.markUp() {
				c.cfg.Logger.Info("remote cluster server up", "cluster", s.cluster, "server", s.addr)
			}
		}
	}
}

// probe asks s for its root with HEAD: any HTTP answer (a 404 too) says
// it is up.
func (c *Clusters) probe(ctx context.Context, s *server) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, s.base+"/", nil)
	if err != nil {
		return err
	}
	req.Header.Set(source.ViaHeader, c.cfg.ID)
	resp, err := c.cfg.Client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}
