package tftpd

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cmtftp/internal/source"
	"cmtftp/internal/tftp"
)

// goroutineDriver makes testServer run every transfer on its own goroutine;
// TestGoroutineDriver sets it to run the lockstep tests again that way.
var goroutineDriver bool

// testServer starts a Server on a loopback UDP socket of the given network
// ("udp4" or "udp6"), serving files written into a temp root.
func testServer(t *testing.T, network string, files map[string][]byte, tweak func(*Server)) (*Server, netip.AddrPort) {
	t.Helper()
	root := t.TempDir()
	for name, b := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	disk, err := source.NewDisk(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { disk.Close() })
	// The tests' clients all share one address: no per-source cap unless
	// a test sets one.
	s := &Server{Source: disk, Timeout: 30 * time.Millisecond, Retries: 5, MaxPerSource: -1, noEventLoop: goroutineDriver}
	if tweak != nil {
		tweak(s)
	}
	host := "127.0.0.1"
	if network == "udp6" {
		host = "::1"
	}
	conn, err := net.ListenPacket(network, net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	addr := conn.LocalAddr().(*net.UDPAddr).AddrPort()
	served := make(chan error, 1)
	go func() { served <- s.Serve(conn) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		s.Shutdown(ctx)
		if err := <-served; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
		if n := s.InProgress(); n != 0 {
			t.Errorf("in progress after shutdown: %d", n)
		}
	})
	return s, addr
}

func randomBytes(t testing.TB, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// waitFor polls cond until it holds or five seconds pass (a bound for a
// failure, never a timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// peer is a scripted client: it sends exactly what a test says.
type peer struct {
	t      *testing.T
	conn   *net.UDPConn
	server netip.AddrPort // the listening port
	tid    netip.AddrPort // the transfer's port, once seen
}

func newPeer(t *testing.T, server netip.AddrPort) *peer {
	t.Helper()
	network := "udp4"
	if server.Addr().Is6() {
		network = "udp6"
	}
	c, err := net.ListenUDP(network, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &peer{t: t, conn: c, server: server}
}

func (p *peer) sendTo(to netip.AddrPort, b []byte) {
	p.t.Helper()
	if _, err := p.conn.WriteToUDPAddrPort(b, to); err != nil {
		p.t.Fatal(err)
	}
}

func (p *peer) rrq(name, mode string, o tftp.Options) {
	p.sendTo(p.server, tftp.AppendRequest(nil, tftp.OpRRQ, name, mode, o))
}

func (p *peer) ack(blk uint16) { p.sendTo(p.tid, tftp.AppendAck(nil, blk)) }

// recv waits up to d for a packet; ok is false on timeout.
func (p *peer) recv(d time.Duration) (pkt []byte, from netip.AddrPort, ok bool) {
	p.t.Helper()
	buf := make([]byte, 70000)
	p.conn.SetReadDeadline(time.Now().Add(d))
	n, from, err := p.conn.ReadFromUDPAddrPort(buf)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil, from, false
	}
	if err != nil {
		p.t.Fatal(err)
	}
	if !p.tid.IsValid() && from.Port() != p.server.Port() {
		p.tid = from
	}
	return buf[:n], from, true
}

func (p *peer) mustRecv() []byte {
	p.t.Helper()
	pkt, _, ok := p.recv(2 * time.Second)
	if !ok {
		p.t.Fatal("no packet from server")
	}
	return pkt
}

// expectData receives one packet and checks it is DATA blk.
func (p *peer) expectData(blk uint16) []byte {
	p.t.Helper()
	pkt := p.mustRecv()
	got, payload, err := tftp.ParseData(pkt)
	if err != nil || got != blk {
		p.t.Fatalf("want DATA %d, got %q (err %v)", blk, pkt, err)
	}
	return payload
}

func (p *peer) expectError(code tftp.ErrorCode) string {
	p.t.Helper()
	pkt := p.mustRecv()
	got, msg, err := tftp.ParseError(pkt)
	if err != nil || got != code {
		p.t.Fatalf("want ERROR %d, got %q", code, pkt)
	}
	return msg
}

// expectNothing checks that no packet comes within d.
func (p *peer) expectNothing(d time.Duration) {
	p.t.Helper()
	if pkt, _, ok := p.recv(d); ok {
		p.t.Fatalf("unexpected packet %q", pkt)
	}
}
