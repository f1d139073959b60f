package remote

import (
	"context"
	"strings"

	"cmtftp/internal/source"
)

// HoldDefaults wraps the local chain so that, while any remote cluster is
// enabled, XMLDefault.cnf.xml (and its .sgn) is served from it only when
// autoRegistration says auto-registration is enabled on this server: a
// master must not hand its auto-registration defaults to the devices of
// other clusters (the chapter: auto-registration should be off on a
// master). Without it the request goes on to the remote clusters.
func HoldDefaults(local source.Source, c *Clusters, autoRegistration func() bool) source.Source {
	return source.Func(func(ctx context.Context, req *source.Request) (source.File, error) {
		if c.Configured() && isXMLDefault(req.Path) && !autoRegistration() {
			return nil, source.ErrNotFound
		}
		return local.Open(ctx, req)
	})
}

func isXMLDefault(name string) bool {
	n := strings.ToLower(name)
	return n == "xmldefault.cnf.xml" || n == "xmldefault.cnf.xml.sgn"
}
