package assembly

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"cmtftp/internal/admin"
	"cmtftp/internal/httpd"
	"cmtftp/internal/source"
	"cmtftp/internal/tftpd"
)

// listen opens the TFTP, HTTP and admin listeners and builds their servers
// over chain.
func (s *Server) listen(chain source.Source) error {
	cfg := s.cfg
	conns, err := listenUDP(cfg.TFTPAddrs, cfg.SkipUnavailable, s.log)
	if err != nil {
		return err
	}
	s.conns = conns
	s.slots.SetPerSource(cfg.MaxPerSource)
	if cfg.MaxPerSource < 0 {
		s.slots.SetUnverifiedBudget(-1, 0) // no per-source limits at all, as tftpd's own slots
	}
	s.tftp = &tftpd.Server{
		Source:          chain,
		Slots:           s.slots,
		MaxBlockSize:    cfg.MaxBlockSize,
		MaxWindowSize:   cfg.MaxWindowSize,
		Timeout:         cfg.Timeout,
		Retries:         cfg.Retries,
		TransferTimeout: cfg.TransferTimeout,
		ReceiveBuffer:   cfg.TFTPReceiveBuffer,
		Logger:          s.log,
		OnDone:          s.tftpDone,
	}
	tftpd.RegisterMetrics(s.registry, s.tftp)
	if err := s.listenHTTP(chain); err != nil {
		return err
	}
	if s.adminLn, err = listenTCP(cfg.AdminAddr); err != nil {
		return err
	}
	if s.adminLn != nil {
		if err := s.adminTLS(); err != nil {
			return err
		}
		s.live.token.set(cfg.AdminToken)
		api := &admin.Server{Store: s.store, TokenFunc: s.live.token.get, Logger: s.log, Reset: s.resetFunc(), Extra: func(mux *http.ServeMux) {
			mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
			mux.HandleFunc("GET /api/v1/devices/{name}/timeline", s.timeline.ServeHTTP)
			mux.HandleFunc("GET /api/v1/remotes/status", s.remoteStatus)
			mux.HandleFunc("GET /api/v1/cache/status", s.cacheStatus)
		}}
		apiHandler := api.Handler()
		s.adminSrv = &http.Server{Handler: apiHandler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute,
			BaseContext: func(net.Listener) context.Context { return admin.WithMember(context.Background(), s.member.id) }}
		if err := s.withConsole(s.adminSrv, apiHandler); err != nil { // /ui/: the web console
			return err
		}
	}
	return nil
}

// listenHTTP opens the HTTP (6970) and HTTPS (6971) listeners and builds
// their servers over chain; they share one handler and its counters.
func (s *Server) listenHTTP(chain source.Source) (err error) {
	cfg := s.cfg
	if s.httpLn, err = listenTCP(cfg.HTTPAddr); err != nil {
		return err
	}
	if s.httpsLn, err = listenTCP(cfg.HTTPSAddr); err != nil {
		return err
	}
	if s.httpLn == nil && s.httpsLn == nil {
		return nil
	}
	hm := httpd.NewMetrics(s.registry)
	h := &httpd.Handler{Source: chain, Slots: s.slots, Logger: s.log, Metrics: hm, OnDone: s.httpDone, ID: s.id, Peers: s.peer}
	h.WriteTimeout = cfg.HTTPWriteTimeout
	// No server-wide WriteTimeout: the handler gives every chunk of a
	// response its own deadline (and a whole response at most
	// httpd.MaxResponseTime).
	server := func() *http.Server {
		return &http.Server{Handler: h, ConnState: hm.ConnState, ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout: time.Minute, MaxHeaderBytes: 64 << 10}
	}
	if s.httpLn != nil {
		s.httpSrv = &httpd.Server{Handler: h, ConnState: hm.ConnState, ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout: time.Minute, WriteTimeout: cfg.HTTPWriteTimeout, MaxHeaderBytes: 64 << 10, Logger: s.log}
	}
	if s.httpsLn != nil {
		s.httpsSrv = server()
		// The certificate is the TFTP key's of the moment: a rotation
		// changes it without a restart.
		// A client certificate is asked for, not required, and not checked
		// against a CA: the signed step gives an encrypted device's
		// configuration in clear only to the device whose certificate
		// (cmtftp device cert set) the client presented.
		s.httpsSrv.TLSConfig = &tls.Config{GetCertificate: s.security.certificate, MinVersion: tls.VersionTLS12,
			ClientAuth: tls.RequestClientCert}
		s.httpsSrv.ErrorLog = slog.NewLogLogger(s.log.Handler(), slog.LevelDebug) // failed handshakes: debug, not stderr
	}
	return nil
}

// tftpDone is the TFTP engine's OnDone hook: the debug log, the request
// counters, the boot timeline and the missed-file log.
func (s *Server) tftpDone(r tftpd.Result) {
	if s.log.Enabled(context.Background(), slog.LevelDebug) {
		s.log.Debug("tftp request", "file", r.Name, "client", r.Remote.String(), "outcome", r.Outcome.String(),
			"bytes", r.Bytes, "duration", r.Duration)
	}
	switch r.Outcome {
	case tftpd.OutcomeCompleted:
		s.requests.done(r.Family, true)
	case tftpd.OutcomeNotFound:
		s.requests.done(r.Family, false)
		s.missed.log("tftp", r.Name, r.Remote)
		s.notFound.count("tftp", r.Name)
	}
	s.timeline.TFTP(r)
}

// httpDone is the HTTP handler's OnDone hook.
func (s *Server) httpDone(r httpd.Result) {
	s.member.httpRequests.Add(1)
	switch {
	case r.Found():
		s.requests.done(r.Family, true)
	case r.Status == http.StatusNotFound:
		s.requests.done(r.Family, false)
		s.missed.log("http", r.Name, r.Remote)
		s.notFound.count("http", r.Name)
	}
	s.timeline.HTTP(r)
}
