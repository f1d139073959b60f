package httpd

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Server is the HTTP/1.x server of the file service (port 6970): a loop
// per connection over its own request parser and output buffer, instead
// of net/http's, which spends more on a request than the file service
// does (see README: performance). It speaks what phones and HTTP clients
// use of HTTP/1.1 — keep-alive, pipelining (a batch of requests is
// answered with one write), chunked answers of unknown length — and hands
// every request to Handler as an *http.Request holding the header fields
// the service reads (Host, Range, If-*, X-Cmtftp-Via). A request with a
// body is refused (411/413 and the connection closed) unless the body is
// short, which is read and dropped.
type Server struct {
	// Handler answers the requests; usually a *Handler.
	Handler http.Handler
	// ReadHeaderTimeout bounds the time from a request's first byte to its
	// last header line (0: 10 s).
	ReadHeaderTimeout time.Duration
	// IdleTimeout closes a connection that waits this long for its next
	// request (0: 1 min).
	IdleTimeout time.Duration
	// WriteTimeout is how long one write of an answer may take (0:
	// DefaultWriteTimeout); *Handler renews it per chunk as well.
	WriteTimeout time.Duration
	// MaxHeaderBytes bounds a request head (0: 64 KiB); a longer one gets
	// 431.
	MaxHeaderBytes int
	// ConnState, if set, is told of every new connection (StateNew) and
	// of its end (StateClosed): the connection counter.
	ConnState func(net.Conn, http.ConnState)
	// Logger receives handler panics and accept errors; nil discards.
	Logger *slog.Logger

	mu      sync.Mutex
	ln      []net.Listener
	conns   map[*conn]struct{}
	closing atomic.Bool
	live    sync.WaitGroup // connections open
	turns   *turns         // started with the first connection, stopped after the last once closing
	date    dateCache
}

// Serve accepts connections on ln until Shutdown or Close, and returns
// http.ErrServerClosed then (another error if accepting fails).
func (s *Server) Serve(ln net.Listener) error {
	if !s.track(ln) {
		ln.Close()
		return http.ErrServerClosed
	}
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return http.ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || temporaryAccept(err) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.logf("http accept failed; retrying", "err", err, "delay", backoff)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		c := s.newConn(nc)
		if c == nil {
			nc.Close()
			continue
		}
		go c.serve()
	}
}

// temporaryAccept reports whether err is one accept(2) recovers from: too
// many open files, an aborted connection, no memory for now.
func temporaryAccept(err error) bool {
	for _, t := range []error{syscall.EMFILE, syscall.ENFILE, syscall.ECONNABORTED, syscall.ENOBUFS, syscall.ENOMEM} {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

// track records ln for Shutdown; false once the server is closing.
func (s *Server) track(ln net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	s.ln = append(s.ln, ln)
	return true
}

// Shutdown stops accepting, closes idle connections, lets the requests
// being answered finish, and closes each of their connections then; when
// ctx ends first, it closes them all and returns ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stop()
	done := make(chan struct{})
	go func() { s.live.Wait(); close(done) }()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		s.closeIdle()
		select {
		case <-done:
			return nil
		case <-ctx.Done():
			s.closeAll()
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// Close closes the listeners and every connection at once.
func (s *Server) Close() error {
	s.stop()
	s.closeAll()
	return nil
}

func (s *Server) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closing.Store(true)
	for _, ln := range s.ln {
		ln.Close()
	}
	s.ln = nil
	s.endTurns()
}

// endTurns stops the turns once the server is closing and no connection
// is left. Called holding mu.
func (s *Server) endTurns() {
	if s.turns != nil && s.closing.Load() && len(s.conns) == 0 {
		s.turns.close()
		s.turns = nil
	}
}

func (s *Server) closeIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if c.idle.Load() {
			c.nc.Close()
			c.turn()
		}
	}
}

func (s *Server) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.nc.Close()
		c.turn()
	}
}

func (s *Server) logf(msg string, args ...any) {
	if s.Logger != nil {
		s.Logger.Debug(msg, args...)
	}
}

// writeTimeout is WriteTimeout or its default.
func (s *Server) writeTimeout() time.Duration {
	if s.WriteTimeout <= 0 {
		return DefaultWriteTimeout
	}
	return s.WriteTimeout
}

// limits returns the server's timeouts and header limit, defaults filled.
func (s *Server) limits() (header, idle, write time.Duration, maxHeader int) {
	header, idle, write, maxHeader = s.ReadHeaderTimeout, s.IdleTimeout, s.WriteTimeout, s.MaxHeaderBytes
	if header <= 0 {
		header = 10 * time.Second
	}
	if idle <= 0 {
		idle = time.Minute
	}
	write = s.writeTimeout()
	if maxHeader <= 0 {
		maxHeader = 64 << 10
	}
	return header, idle, write, maxHeader
}

// dateCache holds the Date field's value for the current second.
type dateCache struct {
	v atomic.Pointer[dateValue]
}

type dateValue struct {
	sec  int64
	text []byte
}

// get returns now in the Date field's format (RFC 9110 §5.6.7), formatted
// once a second.
func (d *dateCache) get(now time.Time) []byte {
	sec := now.Unix()
	if v := d.v.Load(); v != nil && v.sec == sec {
		return v.text
	}
	v := &dateValue{sec: sec, text: now.UTC().AppendFormat(nil, http.TimeFormat)}
	d.v.Store(v)
	return v.text
}
