package assembly

import (
	"context"
	"net/http"

	"cmtftp/internal/admin"
	"cmtftp/internal/console"
	"cmtftp/internal/source"
)

// withConsole makes srv (the admin listener's server) serve the web
// console under /ui/ (its own cookie sessions over the admin token) and
// the admin API, api, everywhere else, as before; with no admin token,
// only to requests addressed to a loopback host (admin.NoTokenLoopback).
// The console's chart sampler runs on the background context; its event
// streams end when srv shuts down.
func (s *Server) withConsole(srv *http.Server, api http.Handler) error {
	c, err := console.New(console.Config{
		Store:    s.store,
		Token:    s.live.token.get,
		API:      api,
		Gatherer: s.registry,
		Timeline: s.timeline,
		Root:     s.cfg.Root,
		Cached:   s.rootCached,
		Logger:   s.log,
	})
	if err != nil {
		return err
	}
	s.bgDone.Go(func() { c.Sample(s.bg) })
	srv.RegisterOnShutdown(c.Close)
	mux := http.NewServeMux()
	mux.Handle("/ui/", c.Handler())
	mux.Handle("/ui", http.RedirectHandler("/ui/", http.StatusMovedPermanently))
	mux.Handle("/", api)
	srv.Handler = admin.NoTokenLoopback(s.live.token.get, mux)
	return nil
}

// rootCached reports whether the constant and load cache holds the root
// file at path.
func (s *Server) rootCached(path string) bool {
	if s.rootMem == nil {
		return false
	}
	f, err := s.rootMem.Open(context.Background(), &source.Request{Name: path, Path: path})
	if err != nil {
		return false
	}
	f.Close()
	return true
}
