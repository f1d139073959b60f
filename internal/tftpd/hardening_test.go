package tftpd

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"cmtftp/internal/tftp"
)

// peerFrom is a scripted client on the local address ip (127.0.0.2 for an
// attacker: all of 127/8 is loopback).
func peerFrom(t *testing.T, server netip.AddrPort, ip string) *peer {
	t.Helper()
	c, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr(ip), 0)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &peer{t: t, conn: c, server: server}
}

// TestPerSourceCap: a source holds at most its share of the slots; past it
// it is told "busy", while another source still finds slots.
func TestPerSourceCap(t *testing.T) {
	s, addr := testServer(t, "udp4", map[string][]byte{"f": randomBytes(t, 600)}, func(s *Server) {
		s.MaxServingCount, s.MaxPerSource, s.Timeout = 20, 3, time.Second
	})
	for i := range 3 {
		p := peerFrom(t, addr, "127.0.0.2")
		p.rrq("f", "octet", tftp.Options{})
		if op, _ := tftp.PeekOpcode(p.mustRecv()); op != tftp.OpDATA {
			t.Fatalf("request %d within the share: opcode %d", i, op)
		}
	}
	p := peerFrom(t, addr, "127.0.0.2")
	p.rrq("f", "octet", tftp.Options{})
	if msg := p.expectError(tftp.ErrUndefined); msg != BusyMessage {
		t.Fatalf("past the share: %q", msg)
	}
	q := peerFrom(t, addr, "127.0.0.1")
	q.rrq("f", "octet", tftp.Options{})
	q.expectData(1)
	if n := s.InProgress(); n != 4 {
		t.Fatalf("%d in progress, want 3 + 1", n)
	}
}

// TestUnverifiedOneResend: a peer that acknowledges nothing gets its first
// block (or OACK) and one resend, then nothing: the transfer is over and
// its slot free.
func TestUnverifiedOneResend(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    tftp.Options
		op   tftp.Opcode
	}{
		{"no options", tftp.Options{}, tftp.OpDATA},
		{"options", tftp.Options{BlockSize: 1428, HasTSize: true}, tftp.OpOACK},
		{"windowed", tftp.Options{BlockSize: 1428, WindowSize: 8}, tftp.OpOACK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, addr := testServer(t, "udp4", map[string][]byte{"f": randomBytes(t, 20000)}, func(s *Server) { s.Timeout = 20 * time.Millisecond })
			p := newPeer(t, addr)
			p.rrq("f", "octet", tc.o)
			got := 0
			for {
				pkt, _, ok := p.recv(300 * time.Millisecond)
				if !ok {
					break
				}
				if op, _ := tftp.PeekOpcode(pkt); op != tc.op {
					t.Fatalf("opcode %d, want %d", op, tc.op)
				}
				got++
			}
			if got != 2 {
				t.Fatalf("%d packets to a peer that acknowledged nothing, want 1 + 1 resend", got)
			}
			waitFor(t, "the slot", func() bool { return s.InProgress() == 0 }) // 2 s after the resend
		})
	}
}

// TestDuplicateRequestDropped: a read request sent again from the same
// port while its transfer has heard nothing from the client starts no
// second transfer and is not counted as a request, but makes that
// transfer send its first packet again at once; once the client has
// acknowledged something, the same request from that port is the client
// starting again and is served; another name is always a new request.
func TestDuplicateRequestDropped(t *testing.T) {
	for _, loop := range []bool{true, false} {
		t.Run(map[bool]string{true: "event loop", false: "goroutine"}[loop], func(t *testing.T) {
			s, addr := testServer(t, "udp4", map[string][]byte{"f": randomBytes(t, 2000), "g": randomBytes(t, 100)}, func(s *Server) {
				s.noEventLoop, s.Timeout = !loop, time.Second
			})
			p := newPeer(t, addr)
			p.rrq("f", "octet", tftp.Options{})
			p.expectData(1)
			first := p.tid
			// Asked again: the same transfer sends DATA 1 again at once
			// (its own resend would come after 1 s), and nothing else.
			p.rrq("f", "octet", tftp.Options{})
			pkt, from, ok := p.recv(500 * time.Millisecond)
			if blk, _, err := tftp.ParseData(pkt); !ok || err != nil || blk != 1 || from != first {
				t.Fatalf("after the request again: %q from %v (ok %v), want DATA 1 from %v", pkt, from, ok, first)
			}
			p.expectNothing(300 * time.Millisecond)
			if st := s.Stats(); st.Requests != 1 || st.Duplicates != 1 || st.InProgress != 1 || st.Retransmits != 1 {
				t.Fatalf("requests %d, duplicates %d, in progress %d, retransmits %d; want 1, 1, 1, 1", st.Requests, st.Duplicates, st.InProgress, st.Retransmits)
			}
			p.ack(1)
			p.expectData(2)
			// The client starts again from the same port: a new transfer.
			p.tid = netip.AddrPort{}
			p.rrq("f", "octet", tftp.Options{})
			p.expectData(1)
			if p.tid == first {
				t.Fatalf("the new request was answered from the old transfer's port %v", first)
			}
			for blk := uint16(1); blk <= 4; blk++ {
				p.ack(blk)
				if blk < 4 {
					p.expectData(blk + 1)
				}
			}
			p.rrq("g", "octet", tftp.Options{}) // another name: served at once
			if pkt, from, ok := p.recv(2 * time.Second); !ok || from == p.tid || from == first {
				t.Fatalf("request for another name: %q from %v (ok %v)", pkt, from, ok)
			}
			if st := s.Stats(); st.Requests != 3 || st.Duplicates != 1 {
				t.Fatalf("requests %d, duplicates %d; want 3, 1", st.Requests, st.Duplicates)
			}
		})
	}
}
