package main

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"cmtftp/internal/admin"
	"cmtftp/internal/httpd"
	"cmtftp/internal/store"
)

// startAdmin starts the admin API on addr ("" = off).
func startAdmin(addr string, st store.Store, token string, log *slog.Logger, extra func(*http.ServeMux)) (*http.Server, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, bindError(addr, err)
	}
	api := &admin.Server{Store: st, Token: token, Logger: log, Extra: extra}
	srv := &http.Server{Handler: api.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	log.Info("admin listening", "addr", ln.Addr().String(), "token", token != "")
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin listener failed", "err", err)
		}
	}()
	return srv, nil
}

// startHTTP serves the chain over HTTP on addr ("" = off).
func startHTTP(addr string, h *httpd.Handler, connState func(net.Conn, http.ConnState), log *slog.Logger) (*http.Server, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, bindError(addr, err)
	}
	srv := &http.Server{Handler: h, ConnState: connState, ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout: time.Minute, WriteTimeout: 10 * time.Minute}
	log.Info("http listening", "addr", ln.Addr().String())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http listener failed", "err", err)
		}
	}()
	return srv, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
