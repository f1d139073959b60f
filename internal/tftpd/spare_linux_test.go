package tftpd

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"cmtftp/internal/tftp"
)

// lockstep fetches name with p, ACKing each block at once, checks the bytes
// and returns the transfer's port.
func lockstep(t *testing.T, p *peer, name string, want []byte) netip.AddrPort {
	t.Helper()
	p.tid = netip.AddrPort{}
	p.rrq(name, "octet", tftp.Options{})
	var got []byte
	for blk := uint16(1); ; blk++ {
		b := p.expectData(blk)
		got = append(got, b...)
		p.ack(blk)
		if len(b) < tftp.DefaultBlockSize {
			break
		}
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("got %d bytes, want %d", len(got), len(want))
	}
	return p.tid
}

// TestSpareSocketReused: a completed transfer's socket serves the next
// transfer from the same local address to another client; a packet the old
// peer sent to it afterwards is dropped before the new transfer starts, not
// answered as a stranger's (which would send the old peer an ERROR it never
// asked for).
func TestSpareSocketReused(t *testing.T) {
	data := randomBytes(t, 1500)
	s, addr := testServer(t, "udp4", map[string][]byte{"f": data}, func(s *Server) { s.noEventLoop = false })
	a := newPeer(t, addr)
	first := lockstep(t, a, "f", data)
	waitFor(t, "the first transfer to end", func() bool { return s.Stats().RequestsProcessed == 1 })
	a.sendTo(first, tftp.AppendAck(nil, 3)) // late: the transfer is over
	time.Sleep(20 * time.Millisecond)       // let it land in the spare socket
	b := newPeer(t, addr)
	if second := lockstep(t, b, "f", data); second != first {
		t.Fatalf("second transfer from %v, want the first's socket %v", second, first)
	}
	a.expectNothing(100 * time.Millisecond)
	if n := s.Stats().UnknownTID; n != 0 {
		t.Fatalf("UnknownTID = %d: the late ACK reached the new transfer", n)
	}
	// The same client port asking again gets another server port: the
	// pair of ports tells its transfers apart.
	waitFor(t, "the second transfer to end", func() bool { return s.Stats().RequestsProcessed == 2 })
	if third := lockstep(t, b, "f", data); third == first {
		t.Fatalf("third transfer from %v again, to the client it served last", third)
	}
}

// TestSpareNotKeptAfterResend: a transfer that had to resend may still get
// a late ACK for it, so its socket is closed, not kept for the next one.
func TestSpareNotKeptAfterResend(t *testing.T) {
	data := randomBytes(t, 700)
	s, addr := testServer(t, "udp4", map[string][]byte{"f": data}, func(s *Server) {
		s.noEventLoop = false
		s.Timeout = 50 * time.Millisecond
	})
	p := newPeer(t, addr)
	p.rrq("f", "octet", tftp.Options{})
	p.expectData(1)
	p.expectData(1) // resent: the ACK did not come in time
	p.ack(1)
	p.expectData(2)
	p.ack(2)
	first := p.tid
	waitFor(t, "the first transfer to end", func() bool { return s.Stats().RequestsProcessed == 1 })
	if second := lockstep(t, newPeer(t, addr), "f", data); second == first {
		t.Fatalf("second transfer reused %v, whose transfer resent", first)
	}
}

// TestSpareSocketsClosedOnShutdown: once the server is shut down, no spare
// socket holds its port.
func TestSpareSocketsClosedOnShutdown(t *testing.T) {
	data := randomBytes(t, 100)
	s, addr := testServer(t, "udp4", map[string][]byte{"f": data}, func(s *Server) { s.noEventLoop = false })
	tid := lockstep(t, newPeer(t, addr), "f", data)
	waitFor(t, "the transfer to end", func() bool { return s.Stats().RequestsProcessed == 1 })
	if c, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(tid)); err == nil {
		c.Close()
		t.Fatalf("port %d free while the server keeps its socket", tid.Port())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(tid))
	if err != nil {
		t.Fatalf("port %d still held after shutdown: %v", tid.Port(), err)
	}
	c.Close()
}

// TestSpareDropsOldPeer: a packet the old peer sends after its socket went
// to a new transfer is dropped, not answered with ERROR 5 (whose ICMP
// answer from a closed port would end the new transfer), and the new
// transfer goes on.
func TestSpareDropsOldPeer(t *testing.T) {
	data := randomBytes(t, 700)
	s, addr := testServer(t, "udp4", map[string][]byte{"f": data}, func(s *Server) {
		s.noEventLoop = false
		s.Timeout = time.Second
	})
	a := newPeer(t, addr)
	first := lockstep(t, a, "f", data)
	waitFor(t, "the first transfer to end", func() bool { return s.Stats().RequestsProcessed == 1 })
	b := newPeer(t, addr)
	b.rrq("f", "octet", tftp.Options{})
	b.expectData(1)
	if b.tid != first {
		t.Fatalf("second transfer from %v, want the first's socket %v", b.tid, first)
	}
	a.sendTo(first, tftp.AppendAck(nil, 2)) // late, from the old peer
	a.expectNothing(100 * time.Millisecond)
	b.ack(1)
	b.expectData(2)
	b.ack(2)
	waitFor(t, "the second transfer to end", func() bool { return s.Stats().RequestsProcessed == 2 })
	if n := s.Stats().UnknownTID; n != 0 {
		t.Fatalf("UnknownTID = %d", n)
	}
}
