package assembly

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"cmtftp/internal/tftpd"
)

// Run serves every listener as one group until ctx ends or one of them
// fails; then it shuts all of them down (transfers in flight get
// Config.ShutdownGrace), waits for every one, and stops the background
// work. The caller may close the store once Run returns. It returns the
// first listener's failure, or nil.
func (s *Server) Run(ctx context.Context) error {
	defer s.close()
	errc := make(chan error, len(s.conns)+3)
	var wg sync.WaitGroup
	for _, c := range s.conns {
		s.log.Info("tftp listening", "addr", c.LocalAddr().String(), "root", s.cfg.Root)
		wg.Go(func() { errc <- ignore(s.tftp.Serve(c), tftpd.ErrServerClosed, "tftp") })
	}
	if s.httpSrv != nil {
		s.log.Info("http listening", "addr", s.httpLn.Addr().String())
		wg.Go(func() { errc <- ignore(s.httpSrv.Serve(s.httpLn), http.ErrServerClosed, "http") })
	}
	if s.httpsSrv != nil {
		s.log.Info("https listening", "addr", s.httpsLn.Addr().String())
		wg.Go(func() { errc <- ignore(s.httpsSrv.ServeTLS(s.httpsLn, "", ""), http.ErrServerClosed, "https") })
	}
	if s.adminSrv != nil {
		s.log.Info("admin listening", "addr", s.adminLn.Addr().String(), "token", s.cfg.AdminToken != "")
		wg.Go(func() { errc <- ignore(s.adminSrv.Serve(s.adminLn), http.ErrServerClosed, "admin") })
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
		s.log.Error("listener failed", "err", err)
	}
	s.shutdown()
	wg.Wait()
	return err
}

// shutdown stops every server at once and waits for all of them.
func (s *Server) shutdown() {
	s.log.Info("shutting down", "grace", s.cfg.grace(), "in_progress", s.tftp.InProgress())
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.grace())
	defer cancel()
	var wg sync.WaitGroup
	if s.httpSrv != nil {
		wg.Go(func() { s.httpSrv.Shutdown(ctx) })
	}
	for _, h := range []*http.Server{s.httpsSrv, s.adminSrv} {
		if h != nil {
			wg.Go(func() { h.Shutdown(ctx) })
		}
	}
	if err := s.tftp.Shutdown(ctx); err != nil {
		s.log.Warn("transfers aborted at shutdown", "err", err)
	}
	wg.Wait()
	ts := s.tftp.Stats()
	s.log.Info("stopped", "requests", ts.Requests, "completed", ts.RequestsProcessed, "not_found", ts.RequestsNotFound, "aborted", ts.RequestsAborted)
}

// ignore turns the error a server returns after a shutdown into nil.
func ignore(err, closed error, name string) error {
	if err == nil || errors.Is(err, closed) {
		return nil
	}
	return fmt.Errorf("%s: %w", name, err)
}
