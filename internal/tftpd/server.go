// Package tftpd is cmtftp's TFTP server engine: UDP listeners, one transfer
// per read request with its own socket (a new TID), RFC 2347 option
// negotiation, RFC 7440 windowed sending with batched writes, retransmission
// on timeout only, the Maximum Serving Count and graceful shutdown.
//
// The engine reads files through a source.Source and writes nothing, ever:
// write requests are refused.
package tftpd

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"cmtftp/internal/source"
)

// Defaults for the zero values of Server's fields.
const (
	DefaultMaxServingCount = 200
	DefaultMaxBlockSize    = 65464
	DefaultMaxWindowSize   = 64
	DefaultTimeout         = time.Second
	DefaultRetries         = 5
	DefaultTransferTimeout = 300 * time.Second
	DefaultReceiveBuffer   = 4 << 20
	// BusyMessage is the text of the ERROR 0 sent past the Maximum Serving
	// Count or when a source is busy: the chapter's "delay message".
	BusyMessage = "busy, retry later"
)

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("tftpd: server closed")

// Server is a TFTP server. Its exported fields configure it and must not
// change once Serve is called; a zero field takes the default named in its
// comment, like net/http's Server.
type Server struct {
	// Source opens the files clients ask for. Required.
	Source source.Source
	// Slots is the Maximum Serving Count: a request needs a slot from it
	// and holds it until its transfer ends; a request that finds none free
	// gets ERROR 0 "busy, retry later" and creates no state. Give one to
	// share it with other servers (HTTP). Default (nil): the server's own
	// slots, MaxServingCount of them.
	Slots *source.Slots
	// MaxServingCount is the number of the server's own slots when Slots
	// is nil; with Slots given it is not used. Default 200.
	MaxServingCount int
	// MaxPerSource is how many of the server's own slots (Slots nil) one
	// client address (IPv4 or IPv6, whole) may hold at once; with Slots
	// given, Slots' own cap applies. Default (0):
	// source.DefaultPerSource(MaxServingCount); negative: no cap and no
	// budget of unverified bytes either.
	MaxPerSource int
	// ReceiveBuffer is the receive buffer (SO_RCVBUF) asked for each
	// listener, so that a burst of requests is queued, not dropped.
	// Default (0): DefaultReceiveBuffer; negative: the system's default.
	ReceiveBuffer int
	// MaxBlockSize caps a negotiated blksize. Default 65464.
	MaxBlockSize int
	// MaxWindowSize caps a negotiated windowsize. Default 64.
	MaxWindowSize int
	// Timeout is the first retransmission timeout when the client does not
	// negotiate one; it doubles on each retry of the same window, up to 8×.
	// Default 1 s.
	Timeout time.Duration
	// Retries is how many times one window (or OACK) is sent again before
	// the transfer is given up. Default 5.
	Retries int
	// TransferTimeout bounds a whole transfer ("TFTP File Transfer
	// Timeout"). Default 300 s.
	TransferTimeout time.Duration
	// Logger receives the server's logs. Default: discard.
	Logger *slog.Logger
	// OnDone, when set, is called once at the end of every request with what
	// happened. It runs on the transfer's goroutine and must be quick.
	OnDone func(Result)

	stats Stats
	slots *source.Slots // Slots, or the server's own

	mu        sync.Mutex
	listeners map[*listener]struct{}
	transfers map[*transfer]struct{}
	reqMu     sync.Mutex
	requests  map[requestKey]*claim // requests being served (duplicates.go)
	closing   atomic.Bool
	aborting  atomic.Bool
	serveWG   sync.WaitGroup // listener loops
	xferWG    sync.WaitGroup // transfers
	ctx       context.Context
	cancel    context.CancelFunc
	initOnce  sync.Once
	loopOnce  sync.Once
	loop      *eventLoop // nil until the first transfer that it drives
	// noEventLoop makes every transfer run on its own goroutine (tests
	// cover both drivers).
	noEventLoop bool
}

func (s *Server) init() {
	s.initOnce.Do(func() {
		s.listeners = make(map[*listener]struct{})
		s.transfers = make(map[*transfer]struct{})
		s.requests = make(map[requestKey]*claim)
		s.ctx, s.cancel = context.WithCancel(context.Background())
		s.slots = s.Slots
		if s.slots == nil {
			s.slots = source.NewSlots(s.maxServing())
			if s.MaxPerSource != 0 {
				s.slots.SetPerSource(s.MaxPerSource)
			}
			if s.MaxPerSource < 0 {
				s.slots.SetUnverifiedBudget(-1, 0)
			}
		}
	})
}

func (s *Server) maxServing() int {
	if s.MaxServingCount > 0 {
		return s.MaxServingCount
	}
	return DefaultMaxServingCount
}

func (s *Server) maxBlockSize() int {
	if s.MaxBlockSize > 0 {
		return s.MaxBlockSize
	}
	return DefaultMaxBlockSize
}

func (s *Server) maxWindowSize() int {
	if s.MaxWindowSize > 0 {
		return s.MaxWindowSize
	}
	return DefaultMaxWindowSize
}

func (s *Server) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultTimeout
}

func (s *Server) retries() int {
	if s.Retries > 0 {
		return s.Retries
	}
	return DefaultRetries
}

func (s *Server) transferTimeout() time.Duration {
	if s.TransferTimeout > 0 {
		return s.TransferTimeout
	}
	return DefaultTransferTimeout
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Serve answers requests arriving on conn, which must be a *net.UDPConn,
// until Shutdown; it then returns ErrServerClosed. Serve takes ownership of
// conn and closes it.
func (s *Server) Serve(conn net.PacketConn) error {
	s.init()
	udp, ok := conn.(*net.UDPConn)
	if !ok {
		conn.Close()
		return errors.New("tftpd: Serve needs a *net.UDPConn")
	}
	l, err := newListener(udp)
	if err != nil {
		udp.Close()
		return err
	}
	s.setReceiveBuffer(udp)
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		udp.Close()
		return ErrServerClosed
	}
	s.listeners[l] = struct{}{}
	s.serveWG.Add(1)
	s.mu.Unlock()
	defer s.serveWG.Done()
	l.s = s
	if loop := s.startLoop(); loop != nil {
		if err := loop.addListener(l); err != nil {
			s.logger().Warn("tftp listener not on the event loop", "err", err)
		} else {
			defer loop.removeListener(l)
		}
	}
	err = s.readLoop(l)
	if s.closing.Load() {
		return ErrServerClosed
	}
	return err
}

// setReceiveBuffer gives a listener the receive buffer asked for, and logs
// what the kernel granted: a burst of requests (phones booting together, a
// flood) waits there for the read loops instead of being dropped.
func (s *Server) setReceiveBuffer(c *net.UDPConn) {
	n := s.ReceiveBuffer
	if n < 0 {
		return
	}
	if n == 0 {
		n = DefaultReceiveBuffer
	}
	got, err := setReceiveBuffer(c, n)
	if err != nil {
		s.logger().Warn("tftp listener receive buffer not set", "addr", c.LocalAddr().String(), "asked", n, "err", err)
		return
	}
	lvl := slog.LevelInfo
	if got < n {
		lvl = slog.LevelWarn // capped by net.core.rmem_max without CAP_NET_ADMIN
	}
	s.logger().Log(s.ctx, lvl, "tftp listener receive buffer", "addr", c.LocalAddr().String(), "asked", n, "granted", got)
}

// ListenAndServe listens on the UDP address addr and serves it until
// Shutdown. An address with no host (":69") listens on both IPv4 and IPv6.
func (s *Server) ListenAndServe(addr string) error {
	conns, err := Listen(addr)
	if err != nil {
		return err
	}
	errc := make(chan error, len(conns))
	for _, c := range conns {
		go func() { errc <- s.Serve(c) }()
	}
	err = <-errc
	for range conns[1:] {
		if e := <-errc; !errors.Is(e, ErrServerClosed) {
			err = e
		}
	}
	return err
}

// Shutdown stops the listeners at once, lets transfers in progress finish
// until ctx is done, then aborts those left (each client is sent ERROR 0) and
// waits for them to end. It returns ctx's error if it had to abort.
func (s *Server) Shutdown(ctx context.Context) error {
	s.init()
	s.mu.Lock()
	s.closing.Store(true)
	for l := range s.listeners {
		l.conn.Close()
	}
	s.mu.Unlock()
	s.serveWG.Wait()

	done := make(chan struct{})
	go func() { s.xferWG.Wait(); close(done) }()
	select {
	case <-done:
		s.stopLoop()
		s.cancel()
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	s.aborting.Store(true)
	for t := range s.transfers {
		t.abort()
	}
	s.mu.Unlock()
	s.cancel()
	<-done
	s.stopLoop()
	return ctx.Err()
}

// stopLoop stops the event loop once no transfer is left on it; a request
// after Shutdown can no longer start one.
func (s *Server) stopLoop() {
	s.loopOnce.Do(func() {})
	if s.loop != nil {
		s.loop.close()
	}
}

// InProgress is the number of this server's requests holding a serving
// slot now.
func (s *Server) InProgress() int64 { return s.stats.InProgress.Load() }

// Stats returns a snapshot of the server's counters.
func (s *Server) Stats() StatsSnapshot { return s.stats.snapshot() }

func (s *Server) track(t *transfer) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.aborting.Load() {
		return false
	}
	s.transfers[t] = struct{}{}
	return true
}

func (s *Server) untrack(t *transfer) {
	s.mu.Lock()
	delete(s.transfers, t)
	s.mu.Unlock()
}
