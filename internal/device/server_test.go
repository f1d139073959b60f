package device_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cmtftp/internal/assembly"
	"cmtftp/internal/domain"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/tftp"
)

// testServer is an in-process cmtftp over a SQLite file and a TFTP root
// holding the demo files (domain.DemoRoot) and extra.
type testServer struct {
	tftp     netip.AddrPort
	httpPort int
	admin    string // the admin API's host:port, when cfg.AdminAddr asked for one
	srv      *assembly.Server
}

// startServer assembles and runs a server for the test's lifetime. cfg's
// Root, addresses and grace are filled in.
func startServer(t testing.TB, site *domain.Site, extra map[string][]byte, cfg assembly.Config) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	root := filepath.Join(dir, "tftp")
	files := domain.DemoRoot()
	for name, b := range extra {
		files[name] = b
	}
	for name, b := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st, err := sqlite.Open(ctx, filepath.Join(dir, "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, site); err != nil {
		t.Fatal(err)
	}
	cfg.Root, cfg.TFTPAddrs, cfg.HTTPAddr, cfg.ShutdownGrace = root, []string{"127.0.0.1:0"}, "127.0.0.1:0", 200*time.Millisecond
	srv, err := assembly.New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-ran; err != nil {
			t.Errorf("server: %v", err)
		}
		st.Close()
	})
	ts := &testServer{
		tftp:     srv.TFTPAddrs()[0].(*net.UDPAddr).AddrPort(),
		httpPort: srv.HTTPAddr().(*net.TCPAddr).Port,
		srv:      srv,
	}
	if a := srv.AdminAddr(); a != nil {
		ts.admin = a.String()
	}
	return ts
}

// timelineEntry is what the test reads of an entry of the server's boot
// timeline.
type timelineEntry struct {
	Protocol string `json:"protocol"`
	Name     string `json:"name"`
	Client   string `json:"client"`
}

// timeline reads the server's timeline of device (SEP<MAC>) from its
// admin API.
func (s *testServer) timeline(t *testing.T, device string) []timelineEntry {
	t.Helper()
	resp, err := http.Get("http://" + s.admin + "/api/v1/devices/" + device + "/timeline")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []timelineEntry
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("timeline of %s: %s, %v", device, resp.Status, err)
	}
	return out
}

// scriptedServer is a UDP socket on 127.0.0.1 that answers every
// request it receives with the packets answer makes of it, from the same
// socket; it counts the requests.
type scriptedServer struct {
	addr     netip.AddrPort
	requests atomic.Int64
}

func newScriptedServer(t *testing.T, answer func(req []byte) [][]byte) *scriptedServer {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	s := &scriptedServer{addr: c.LocalAddr().(*net.UDPAddr).AddrPort()}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 2048)
		for { // until the cleanup closes the socket
			n, from, err := c.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			if op, _ := tftp.PeekOpcode(buf[:n]); op != tftp.OpRRQ {
				continue // the client's ACKs and ERRORs
			}
			s.requests.Add(1)
			for _, p := range answer(buf[:n]) {
				c.WriteToUDPAddrPort(p, from)
			}
		}
	}()
	t.Cleanup(func() { c.Close(); <-done })
	return s
}

// tcpServer is a TCP listener on addr (host:port, port 0 for any) whose
// connections serve handles, each in its own goroutine; it counts them.
// serve nil never accepts: the kernel completes the handshakes and the
// requests wait in the backlog, never read.
type tcpServer struct {
	port  int
	conns atomic.Int64
}

func newTCPServer(t *testing.T, addr string, serve func(net.Conn)) *tcpServer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &tcpServer{port: ln.Addr().(*net.TCPAddr).Port}
	var wg sync.WaitGroup
	if serve != nil {
		wg.Go(func() {
			for { // until the cleanup closes the listener
				c, err := ln.Accept()
				if err != nil {
					return
				}
				s.conns.Add(1)
				wg.Go(func() { defer c.Close(); serve(c) })
			}
		})
	}
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return s
}

// silentServer is a UDP socket that reads requests and never answers; it
// counts what it received.
type silentServer struct {
	addr netip.AddrPort
	conn *net.UDPConn
}

func newSilentServer(t *testing.T) *silentServer {
	t.Helper()
	return newSilentServerOn(t, "127.0.0.1")
}

// newSilentServerOn is a silent server on the loopback address ip.
func newSilentServerOn(t *testing.T, ip string) *silentServer {
	t.Helper()
	c, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr(ip), 0)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &silentServer{addr: c.LocalAddr().(*net.UDPAddr).AddrPort(), conn: c}
}

// received counts the datagrams waiting on the socket: everything sent to
// it so far, on loopback.
func (s *silentServer) received() int {
	buf := make([]byte, 2048)
	n := 0
	for {
		s.conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if _, _, err := s.conn.ReadFromUDPAddrPort(buf); err != nil {
			return n
		}
		n++
	}
}
