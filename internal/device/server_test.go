package device_test

import (
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cmtftp/internal/assembly"
	"cmtftp/internal/domain"
	"cmtftp/internal/store/sqlite"
)

// testServer is an in-process cmtftp over a SQLite file and a TFTP root
// holding the demo files (domain.DemoRoot) and extra.
type testServer struct {
	tftp     netip.AddrPort
	httpPort int
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
	return &testServer{
		tftp:     srv.TFTPAddrs()[0].(*net.UDPAddr).AddrPort(),
		httpPort: srv.HTTPAddr().(*net.TCPAddr).Port,
		srv:      srv,
	}
}

// silentServer is a UDP socket that reads requests and never answers; it
// counts what it received.
type silentServer struct {
	addr netip.AddrPort
	conn *net.UDPConn
}

func newSilentServer(t *testing.T) *silentServer {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
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
