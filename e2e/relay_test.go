package e2e

import (
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// relay is the loss test's impairment relay: clients talk to it on
// loopback, it talks to the server, and in both directions it duplicates
// some packets and holds others back behind the next one (reordering).
// It follows the server's change of port (TID) after the first reply.
type relay struct {
	down     *net.UDPConn   // faces the clients
	upLocal  netip.Addr     // the address upstream sockets bind to
	server   netip.AddrPort // the server's listening address
	dupP     float64
	holdP    float64
	mu       sync.Mutex
	sessions map[netip.AddrPort]*session
	retired  []*session
	dups     atomic.Int64
	held     atomic.Int64
	wg       sync.WaitGroup
}

type session struct {
	up    *net.UDPConn
	mu    sync.Mutex
	tid   netip.AddrPort
	toSrv *impair
	toCli *impair
}

// impair forwards packets of one direction with duplication and holding back.
type impair struct {
	r     *relay
	mu    sync.Mutex
	rng   *rand.Rand
	held  []byte
	timer *time.Timer
	send  func([]byte)
}

func newRelay(t *testing.T, upLocal, server netip.AddrPort, dupP, holdP float64) *relay {
	t.Helper()
	down, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{down: down, upLocal: upLocal.Addr(), server: server, dupP: dupP, holdP: holdP, sessions: map[netip.AddrPort]*session{}}
	r.wg.Add(1)
	go r.fromClients()
	t.Cleanup(func() {
		down.Close()
		r.mu.Lock()
		for _, s := range r.sessions {
			s.up.Close()
		}
		for _, s := range r.retired {
			s.up.Close()
		}
		r.mu.Unlock()
		r.wg.Wait()
	})
	return r
}

func (r *relay) addr() string { return r.down.LocalAddr().String() }

func (r *relay) newImpair(send func([]byte)) *impair {
	return &impair{r: r, rng: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())), send: send}
}

func (im *impair) forward(p []byte) {
	p = append([]byte(nil), p...)
	im.mu.Lock()
	defer im.mu.Unlock()
	if im.held == nil && im.rng.Float64() < im.r.holdP {
		im.held = p
		im.r.held.Add(1)
		im.timer = time.AfterFunc(5*time.Millisecond, im.flush)
		return
	}
	im.send(p)
	if im.rng.Float64() < im.r.dupP {
		im.r.dups.Add(1)
		im.send(p)
	}
	if im.held != nil { // the held packet goes after this one
		im.timer.Stop()
		im.send(im.held)
		im.held = nil
	}
}

func (im *impair) flush() {
	im.mu.Lock()
	defer im.mu.Unlock()
	if im.held != nil {
		im.send(im.held)
		im.held = nil
	}
}

func (r *relay) fromClients() {
	defer r.wg.Done()
	buf := make([]byte, 70000)
	for {
		n, client, err := r.down.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		// An RRQ for a session that already knows the server's port is a new
		// transfer from a client socket that reused a freed port.
		isRRQ := n >= 2 && buf[0] == 0 && buf[1] == 1
		s := r.session(client, isRRQ)
		if s == nil {
			return
		}
		s.toSrv.forward(buf[:n])
	}
}

func (r *relay) session(client netip.AddrPort, isRRQ bool) *session {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.sessions[client]; ok {
		s.mu.Lock()
		known := s.tid.IsValid()
		s.mu.Unlock()
		if !isRRQ || !known {
			return s
		}
		r.retired = append(r.retired, s) // closed at cleanup with the rest
	}
	up, err := net.ListenUDP("udp4", &net.UDPAddr{IP: r.upLocal.AsSlice()})
	if err != nil {
		return nil
	}
	s := &session{up: up}
	s.toSrv = r.newImpair(func(p []byte) {
		s.mu.Lock()
		to := s.tid
		s.mu.Unlock()
		if !to.IsValid() {
			to = r.server
		}
		up.WriteToUDPAddrPort(p, to)
	})
	s.toCli = r.newImpair(func(p []byte) { r.down.WriteToUDPAddrPort(p, client) })
	r.sessions[client] = s
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		buf := make([]byte, 70000)
		for {
			n, from, err := up.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			s.mu.Lock()
			if !s.tid.IsValid() {
				s.tid = from
			}
			s.mu.Unlock()
			s.toCli.forward(buf[:n])
		}
	}()
	return s
}
