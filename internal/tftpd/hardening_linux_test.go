package tftpd

import (
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/tftp"
)

// TestPortUnreachableEndsTransfer: a client that has acknowledged the
// start of a transfer and closes its socket makes the kernel answer the
// server's next packet (the resend of what it last got) with an ICMP port
// unreachable; the transfer ends on it, at its first resend rather than
// after every retry, and frees its slot. On the event loop and on a
// goroutine of its own (windowed).
func TestPortUnreachableEndsTransfer(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    tftp.Options
		next uint16 // the block the client gets after its first ACK
	}{
		{"event loop", tftp.Options{}, 2},
		{"goroutine", tftp.Options{BlockSize: 1428, WindowSize: 4}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, addr := testServer(t, "udp4", map[string][]byte{"f": randomBytes(t, 50000)}, func(s *Server) {
				s.Timeout, s.Retries = 200*time.Millisecond, 100
			})
			p := newPeer(t, addr)
			p.rrq("f", "octet", tc.o)
			if tc.o.WindowSize > 0 {
				if op, _ := tftp.PeekOpcode(p.mustRecv()); op != tftp.OpOACK {
					t.Fatalf("opcode %d, want OACK", op)
				}
				p.ack(0)
			} else {
				p.expectData(1)
				p.ack(1)
			}
			p.expectData(tc.next)
			p.conn.Close() // the port is closed: the resend meets an ICMP port unreachable
			waitFor(t, "the port unreachable to end the transfer", func() bool {
				return s.Stats().PeerUnreachable == 1 && s.InProgress() == 0
			})
		})
	}
}

// TestBurstAllAnswered: 1,000 requests sent as fast as four sockets can
// send them (a few milliseconds) are each answered — DATA 1 from a new
// port, or an ERROR (not found, busy) — none dropped in the listener's
// receive buffer.
func TestBurstAllAnswered(t *testing.T) {
	const clients, each = 4, 250
	// Every request of a socket names another file (a port asking again
	// for a file still being sent to it would be a duplicate, dropped).
	files := map[string][]byte{}
	reqs := make([][]byte, each)
	for i := range reqs {
		name := "missing" + strconv.Itoa(i)
		if i%2 == 0 {
			name = "f" + strconv.Itoa(i)
			files[name] = randomBytes(t, 100)
		}
		reqs[i] = tftp.AppendRequest(nil, tftp.OpRRQ, name, "octet", tftp.Options{})
	}
	s, addr := testServer(t, "udp4", files, func(s *Server) { s.Timeout = time.Second })
	// Serve, on its goroutine, sets the buffer before it takes the
	// listener in: until then the socket has the system's default.
	s.init() // once: Serve's, or this one first
	waitFor(t, "Serve to take the listener", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.listeners) == 1
	})
	conns := make([]*net.UDPConn, clients)
	for i := range conns {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if _, err := setReceiveBuffer(c, 8<<20); err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	drops := udpRcvbufErrors(t)
	start := time.Now()
	for i := range each {
		for _, c := range conns {
			if _, err := c.WriteToUDPAddrPort(reqs[i], addr); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("%d requests sent in %v", clients*each, time.Since(start))
	answered := 0
	for _, c := range conns {
		answered += answers(t, c, addr, each)
	}
	if answered != clients*each {
		if b, err := os.ReadFile("/proc/net/udp"); err == nil {
			for line := range strings.Lines(string(b)) {
				if f := strings.Fields(line); len(f) > 12 && f[len(f)-1] != "0" && f[len(f)-1] != "drops" {
					t.Logf("socket with drops: %s (listener %v, clients %v %v %v %v)", strings.TrimSpace(line), addr,
						conns[0].LocalAddr(), conns[1].LocalAddr(), conns[2].LocalAddr(), conns[3].LocalAddr())
				}
			}
		}
		t.Fatalf("%d of %d requests answered (UDP receive-buffer drops meanwhile, any socket of this namespace: %d)",
			answered, clients*each, udpRcvbufErrors(t)-drops)
	}
}

// udpRcvbufErrors reads the kernel's count of UDP datagrams dropped for a
// full receive buffer (RcvbufErrors in /proc/net/snmp).
func udpRcvbufErrors(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/net/snmp")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "Udp:" {
			continue
		}
		if names == nil {
			names = f
			continue
		}
		for i, n := range names {
			if n == "RcvbufErrors" && i < len(f) {
				v, _ := strconv.ParseInt(f[i], 10, 64)
				return v
			}
		}
	}
	t.Fatal("no RcvbufErrors in /proc/net/snmp")
	return 0
}

// answers reads what c is sent until want requests are answered or
// nothing more comes, and returns how many are: each transfer port seen
// once (DATA 1 and its resend), each ERROR from the listener.
func answers(t *testing.T, c *net.UDPConn, listener netip.AddrPort, want int) int {
	t.Helper()
	tids := map[netip.AddrPort]bool{}
	errs := 0
	buf := make([]byte, 2048)
	for len(tids)+errs < want {
		c.SetReadDeadline(time.Now().Add(5 * time.Second)) // a bound for a failure
		_, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			break
		}
		if from == listener {
			errs++
		} else {
			tids[from] = true
		}
	}
	return len(tids) + errs
}
