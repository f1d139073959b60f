package assembly

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/netip"

	"cmtftp/internal/domain"
	"cmtftp/internal/source/remote"
)

// remotes builds the remote clusters step (centralized TFTP) from the
// configuration and reads the remote clusters once; the feed reloads them
// on every change and Run's background context runs their probes.
func (s *Server) remotes() *remote.Clusters {
	cfg := s.cfg.Remote
	cfg.ID, cfg.Logger, cfg.Registry = s.id, s.log, s.registry
	cfg.Load = func(ctx context.Context) ([]*domain.RemoteCluster, error) {
		es, err := s.store.List(ctx, domain.KindRemote)
		if err != nil {
			return nil, err
		}
		out := make([]*domain.RemoteCluster, 0, len(es))
		for _, e := range es {
			if rc, ok := e.(*domain.RemoteCluster); ok {
				out = append(out, rc)
			}
		}
		return out, nil
	}
	c := remote.New(cfg)
	if err := c.Reload(s.bg); err != nil {
		s.log.Warn("remote clusters unreadable at start; none asked until the database answers", "err", err)
	}
	s.feed.Register(c)
	go c.Run(s.bg)
	return c
}

// serverID is the configured server ID, or a random one.
func serverID(configured string) string {
	if configured != "" {
		return configured
	}
	b := make([]byte, 6)
	rand.Read(b)
	return "cmtftp-" + hex.EncodeToString(b)
}

// peer reports whether a is a provisioning address (the enumeration
// guard's exempt networks), from which proxied requests of other
// clusters' masters are not held to one address's share of the slots.
func (s *Server) peer(a netip.Addr) bool { return s.guard != nil && s.guard.Exempt(a) }
