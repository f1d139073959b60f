package tftpd

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/tftp"
	"cmtftp/internal/tftpclient"
)

// TestLostAck: without an ACK the block is sent again after the timeout.
func TestLostAck(t *testing.T) {
	data := randomBytes(t, 1500)
	s, addr := testServer(t, "udp4", map[string][]byte{"f": data}, nil)
	p := newPeer(t, addr)
	p.rrq("f", "octet", tftp.Options{})
	p.expectData(1)
	p.expectData(1) // our ACK "was lost": the server resends
	p.ack(1)
	p.expectData(2)
	p.ack(2)
	p.expectData(3)
	p.ack(3)
	waitFor(t, "completion", func() bool { return s.Stats().RequestsProcessed == 1 })
	if st := s.Stats(); st.Retransmits != 1 || st.SegmentsSent != 4 {
		t.Fatalf("retransmits %d, segments %d", st.Retransmits, st.SegmentsSent)
	}
}

// TestDuplicateAckNoResend: a duplicate ACK never triggers a resend
// (Sorcerer's Apprentice, RFC 1123 4.2.3.1).
func TestDuplicateAckNoResend(t *testing.T) {
	data := randomBytes(t, 5*512+10)
	s, addr := testServer(t, "udp4", map[string][]byte{"f": data}, func(s *Server) { s.Timeout = time.Second })
	p := newPeer(t, addr)
	p.rrq("f", "octet", tftp.Options{})
	for blk := uint16(1); blk <= 6; blk++ {
		p.expectData(blk)
		p.ack(blk)
		p.ack(blk) // duplicate
		if blk > 1 {
			p.ack(blk - 1) // stale
		}
	}
	p.expectNothing(100 * time.Millisecond)
	waitFor(t, "completion", func() bool { return s.Stats().RequestsProcessed == 1 })
	if st := s.Stats(); st.SegmentsSent != 6 || st.Retransmits != 0 {
		t.Fatalf("sent %d DATA for 6 blocks (retransmits %d)", st.SegmentsSent, st.Retransmits)
	}
}

// TestFutureAckIgnored: an ACK for a block not yet sent changes nothing.
func TestFutureAckIgnored(t *testing.T) {
	s, addr := testServer(t, "udp4", map[string][]byte{"f": randomBytes(t, 2000)}, nil)
	p := newPeer(t, addr)
	p.rrq("f", "octet", tftp.Options{})
	p.expectData(1)
	p.ack(3)
	p.expectData(1) // only the timeout moves the server: it resends block 1
	p.ack(1)
	p.expectData(2)
	p.ack(2)
	p.expectData(3)
	p.ack(3)
	p.expectData(4)
	p.ack(4)
	waitFor(t, "completion", func() bool { return s.Stats().RequestsProcessed == 1 })
}

// TestWrongTID: a packet from another port gets ERROR 5 and the transfer
// goes on.
func TestWrongTID(t *testing.T) {
	data := randomBytes(t, 700)
	s, addr := testServer(t, "udp4", map[string][]byte{"f": data}, func(s *Server) { s.Timeout = time.Second })
	p := newPeer(t, addr)
	p.rrq("f", "octet", tftp.Options{})
	p.expectData(1)
	intruder := newPeer(t, addr)
	intruder.sendTo(p.tid, tftp.AppendAck(nil, 1))
	pkt, from, ok := intruder.recv(time.Second)
	if !ok {
		t.Fatal("intruder got no ERROR 5")
	}
	if code, _, err := tftp.ParseError(pkt); err != nil || code != tftp.ErrUnknownTID || from != p.tid {
		t.Fatalf("intruder got %q from %v", pkt, from)
	}
	p.ack(1)
	p.expectData(2)
	p.ack(2)
	waitFor(t, "completion", func() bool { return s.Stats().RequestsProcessed == 1 })
	if s.Stats().UnknownTID != 1 {
		t.Fatalf("UnknownTID = %d", s.Stats().UnknownTID)
	}
}

// TestWindow: a window is sent whole; an ACK of an earlier block restarts
// after it with the window halved; a timeout resends from the last
// acknowledged block, halved again; a window shorter than the negotiated
// one ends with a probe (the last block acknowledged, again); whole windows
// grow it back (window.go). The peer answers the OACK late: the tail
// probes, due at twice the time ACKs take, then come after the timeouts
// (TestTailProbe has them).
func TestWindow(t *testing.T) {
	data := randomBytes(t, 10*512+3)
	s, addr := testServer(t, "udp4", map[string][]byte{"f": data}, func(s *Server) { s.Timeout = 150 * time.Millisecond })
	p := newPeer(t, addr)
	p.rrq("f", "octet", tftp.Options{WindowSize: 4})
	if pkt := p.mustRecv(); string(pkt) != "\x00\x06windowsize\x004\x00" {
		t.Fatalf("OACK %q", pkt)
	}
	time.Sleep(100 * time.Millisecond)
	p.ack(0)
	expectBlocks(t, p, 1, 2, 3, 4)
	p.ack(1) // pretend block 2 was lost: restart after block 1, two blocks and a probe (block 1)
	expectBlocks(t, p, 2, 3, 1)
	// No ACK at all: after the timeout, block 2 alone and a probe.
	expectBlocks(t, p, 2, 1)
	p.ack(3) // the client had block 3 of the earlier window
	expectBlocks(t, p, 4, 3)
	p.ack(4)
	expectBlocks(t, p, 5, 6, 4)
	p.ack(6)
	expectBlocks(t, p, 7, 8, 9, 6)
	p.ack(9)
	p.expectData(10) // the window ends the file: no probe
	if last := p.expectData(11); len(last) != 3 {
		t.Fatalf("last block %d bytes", len(last))
	}
	p.ack(11)
	waitFor(t, "completion", func() bool { return s.Stats().RequestsProcessed == 1 })
}

// TestTailProbe: a window whose ACK does not come within twice the time
// the OACK's took has its probe block sent, long before the retransmission
// timeout.
func TestTailProbe(t *testing.T) {
	data := randomBytes(t, 10*512+3)
	_, addr := testServer(t, "udp4", map[string][]byte{"f": data}, func(s *Server) { s.Timeout = 5 * time.Second })
	p := newPeer(t, addr)
	p.rrq("f", "octet", tftp.Options{WindowSize: 4})
	p.mustRecv()
	p.ack(0)
	start := time.Now()
	expectBlocks(t, p, 1, 2, 3, 4, 1) // the probe block: 1 before any ACK
	if d := time.Since(start); d > time.Second {
		t.Fatalf("the tail probe came after %v", d)
	}
	p.ack(4)
	expectBlocks(t, p, 5, 6, 7, 8)
}

// expectBlocks has p receive DATA of the blocks numbered, in order.
func expectBlocks(t *testing.T, p *peer, blks ...uint16) {
	t.Helper()
	for _, blk := range blks {
		p.expectData(blk)
	}
}

// TestRetriesExhausted: a silent client costs at most Retries resends, then
// the slot comes back.
func TestRetriesExhausted(t *testing.T) {
	s, addr := testServer(t, "udp4", map[string][]byte{"f": randomBytes(t, 600)}, func(s *Server) { s.Timeout = 5 * time.Millisecond; s.Retries = 3 })
	p := newPeer(t, addr)
	p.rrq("f", "octet", tftp.Options{})
	p.expectData(1)
	p.ack(1) // verified: block 2 gets the full schedule
	waitFor(t, "abort", func() bool { return s.Stats().RequestsAborted == 1 })
	if st := s.Stats(); st.SegmentsSent != 5 || st.InProgress != 0 {
		t.Fatalf("sent %d (want 1 + 1+3), in progress %d", st.SegmentsSent, st.InProgress)
	}
}

// TestTransferTimeout: the total time limit ends a transfer that is
// still being retried.
func TestTransferTimeout(t *testing.T) {
	s, addr := testServer(t, "udp4", map[string][]byte{"f": randomBytes(t, 600)}, func(s *Server) {
		s.Timeout, s.Retries, s.TransferTimeout = 10*time.Millisecond, 1000, 80*time.Millisecond
	})
	p := newPeer(t, addr)
	p.rrq("f", "octet", tftp.Options{})
	p.expectData(1)
	p.ack(1) // verified: retried until the transfer's limit
	for {
		pkt := p.mustRecv()
		if op, _ := tftp.PeekOpcode(pkt); op == tftp.OpERROR {
			if _, msg, _ := tftp.ParseError(pkt); msg != "transfer timed out" {
				t.Fatalf("error %q", msg)
			}
			break
		}
	}
	waitFor(t, "slot", func() bool { return s.InProgress() == 0 })
}

// TestMaxServingCount: past the limit a request is told to retry later and
// creates no transfer; the count returns to zero.
func TestMaxServingCount(t *testing.T) {
	s, addr := testServer(t, "udp4", map[string][]byte{"f": randomBytes(t, 100)}, func(s *Server) {
		s.MaxServingCount, s.Timeout = 2, time.Second
	})
	holders := []*peer{newPeer(t, addr), newPeer(t, addr)}
	for _, h := range holders {
		h.rrq("f", "octet", tftp.Options{})
		h.expectData(1)
	}
	third := newPeer(t, addr)
	third.rrq("f", "octet", tftp.Options{})
	pkt, from, ok := third.recv(time.Second)
	if !ok {
		t.Fatal("no answer past the serving count")
	}
	if code, msg, _ := tftp.ParseError(pkt); code != tftp.ErrUndefined || msg != BusyMessage || from != addr {
		t.Fatalf("got %q from %v", pkt, from)
	}
	if st := s.Stats(); st.InProgress != 2 || st.RequestsOverflow != 1 {
		t.Fatalf("in progress %d, overflow %d", st.InProgress, st.RequestsOverflow)
	}
	for _, h := range holders {
		h.ack(1)
	}
	waitFor(t, "slots", func() bool { return s.InProgress() == 0 })
	// With the slots back, the third client is served.
	got, _, err := fetch(t, addr.String(), "f", tftpclient.Client{})
	if err != nil || len(got) != 100 {
		t.Fatalf("after overflow: %d bytes, %v", len(got), err)
	}
}

// TestShutdownMidTransfer: Shutdown waits for running transfers until its
// deadline, then aborts them and tells the client.
func TestShutdownMidTransfer(t *testing.T) {
	data := randomBytes(t, 4000)
	s, addr := testServer(t, "udp4", map[string][]byte{"f": data}, func(s *Server) { s.Timeout = 5 * time.Second })
	p := newPeer(t, addr)
	p.rrq("f", "octet", tftp.Options{})
	p.expectData(1)

	// A transfer that finishes during the grace period completes.
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		done <- s.Shutdown(ctx)
	}()
	time.Sleep(50 * time.Millisecond)
	p.ack(1)
	p.expectData(2)
	// ...but this one stalls: it is aborted at the deadline.
	if msg := p.expectError(tftp.ErrUndefined); msg != "server shutting down" {
		t.Fatalf("abort message %q", msg)
	}
	if err := <-done; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v", err)
	}
	if st := s.Stats(); st.InProgress != 0 || st.RequestsAborted != 1 {
		t.Fatalf("after shutdown: %+v", st)
	}
	// The listener is closed: a new request gets no answer.
	q := newPeer(t, addr)
	q.rrq("f", "octet", tftp.Options{})
	q.expectNothing(100 * time.Millisecond)
}

func TestShutdownWaitsForCompletion(t *testing.T) {
	data := randomBytes(t, 200_000)
	s, addr := testServer(t, "udp4", map[string][]byte{"f": data}, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, _, err := fetch(t, addr.String(), "f", tftpclient.Client{})
			if err == nil && !bytes.Equal(got, data) {
				err = errors.New("bytes differ")
			}
			errs <- err
		}()
	}
	waitFor(t, "transfers", func() bool { return s.InProgress() > 0 })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("graceful Shutdown = %v", err)
	}
	wg.Wait()
	close(errs)
	completed := 0
	for err := range errs {
		if err == nil {
			completed++
		}
	}
	// Requests that were accepted finished; ones that arrived after the
	// listener closed got nothing and timed out.
	if uint64(completed) != s.Stats().RequestsProcessed || completed == 0 {
		t.Fatalf("completed %d, server says %d", completed, s.Stats().RequestsProcessed)
	}
}

// TestMalformedOnListener: junk on the listening port gets no reply, or one
// ERROR no larger than the datagram.
func TestMalformedOnListener(t *testing.T) {
	s, addr := testServer(t, "udp4", map[string][]byte{"f": []byte("x")}, nil)
	silent := [][]byte{
		{}, {0}, {0, 1}, {0, 1, 'a'}, // 0–3 bytes
		{0, 5, 0}, {0, 5, 0, 1, 'x', 0}, // ERROR to port 69
		{0, 3, 0, 1, 'x'}, {0, 4, 0, 1}, {0, 6, 'a', 0, '1', 0}, // DATA/ACK/OACK to port 69
		{0, 9, 'f', 0, 'o', 0}, {0xff, 0xff}, // unknown opcodes
	}
	for _, b := range silent {
		p := newPeer(t, addr)
		p.sendTo(addr, b)
		p.expectNothing(30 * time.Millisecond)
	}
	for _, b := range [][]byte{
		[]byte("\x00\x01file"), []byte("\x00\x01file\x00octet"), []byte("\x00\x01\x00octet\x00"), []byte("\x00\x01f\x00\x00"), []byte("\x00\x01ab"),
	} {
		p := newPeer(t, addr)
		p.sendTo(addr, b)
		if pkt, _, ok := p.recv(100 * time.Millisecond); ok {
			if len(pkt) > len(b) {
				t.Errorf("request %q (%d bytes) answered with %q (%d bytes)", b, len(b), pkt, len(pkt))
			}
			if code, _, err := tftp.ParseError(pkt); err != nil || code != tftp.ErrIllegalOp {
				t.Errorf("request %q answered with %q", b, pkt)
			}
		}
	}
	// An ERROR with a 64 KiB message sent to a transfer ends it quietly.
	p := newPeer(t, addr)
	p.rrq("f", "octet", tftp.Options{})
	p.expectData(1)
	p.sendTo(p.tid, tftp.AppendError(nil, 0, string(bytes.Repeat([]byte("e"), 65000))))
	p.ack(1) // ACK after ERROR
	waitFor(t, "abort", func() bool { return s.Stats().RequestsAborted == 1 && s.InProgress() == 0 })
	if st := s.Stats(); st.Malformed < uint64(len(silent)) {
		t.Fatalf("malformed counted %d", st.Malformed)
	}
}

// TestReplyFromRequestedAddress: a server on 0.0.0.0 asked on 127.0.0.2
// answers from 127.0.0.2, for errors from the listener and for DATA.
func TestReplyFromRequestedAddress(t *testing.T) {
	s := &Server{Source: testSource(map[string][]byte{"f": []byte("hello")}), Timeout: time.Second}
	conn, err := net.ListenPacket("udp4", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	port := conn.LocalAddr().(*net.UDPAddr).Port
	go s.Serve(conn)
	defer s.Shutdown(context.Background())
	for _, ip := range []string{"127.0.0.2", "127.0.0.3"} {
		target := netip.AddrPortFrom(netip.MustParseAddr(ip), uint16(port))
		p := newPeer(t, target)
		p.rrq("f", "octet", tftp.Options{})
		_, from, ok := p.recv(time.Second)
		if !ok || from.Addr().String() != ip {
			t.Fatalf("DATA came from %v, want %s", from, ip)
		}
		p.ack(1)
		q := newPeer(t, target)
		q.rrq("missing", "octet", tftp.Options{})
		_, from, ok = q.recv(time.Second)
		if !ok || from != target {
			t.Fatalf("ERROR came from %v, want %v", from, target)
		}
	}
}

// TestSlotsAlwaysReturn mixes completed, not-found, denied, client-aborted
// and timed-out transfers; afterwards nothing is in progress.
func TestSlotsAlwaysReturn(t *testing.T) {
	s, addr := testServer(t, "udp4", map[string][]byte{"f": randomBytes(t, 3000), "zero": nil}, func(s *Server) {
		s.Timeout, s.Retries = 5*time.Millisecond, 2
	})
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := newPeer(t, addr)
			switch i % 5 {
			case 0:
				fetch(t, addr.String(), "f", tftpclient.Client{})
			case 1:
				fetch(t, addr.String(), "zero", tftpclient.Client{TSize: true})
			case 2:
				p.rrq("missing", "octet", tftp.Options{})
				p.recv(time.Second)
			case 3: // client aborts after the first block
				p.rrq("f", "octet", tftp.Options{})
				p.recv(time.Second)
				p.sendTo(p.tid, tftp.AppendError(nil, 0, "cancelled"))
			case 4: // client vanishes
				p.rrq("f", "octet", tftp.Options{BlockSize: 1024})
			}
		}()
	}
	wg.Wait()
	waitFor(t, "all slots", func() bool { return s.InProgress() == 0 })
	st := s.Stats()
	if st.Requests != 200 || st.RequestsProcessed+st.RequestsNotFound+st.RequestsAborted != 200 {
		t.Fatalf("outcomes do not add up: %+v", st)
	}
}

// TestDuplicateAcksDoNotDelayResend: a client that keeps re-sending its last
// ACK faster than the server's timeout must not stop the server from
// sending the next block again (a livelock the loss test found).
func TestDuplicateAcksDoNotDelayResend(t *testing.T) {
	s, addr := testServer(t, "udp4", map[string][]byte{"f": randomBytes(t, 1500)}, func(s *Server) { s.Timeout = 60 * time.Millisecond })
	p := newPeer(t, addr)
	p.rrq("f", "octet", tftp.Options{})
	p.expectData(1)
	p.ack(1)
	p.expectData(2) // "lost": never acknowledged; block 1's ACK is repeated instead
	stop := make(chan struct{})
	go func() {
		tick := time.NewTicker(15 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				p.conn.WriteToUDPAddrPort(tftp.AppendAck(nil, 1), p.tid)
			}
		}
	}()
	p.expectData(2) // the resend comes despite the stream of duplicate ACKs
	close(stop)
	p.ack(2)
	p.expectData(3)
	p.ack(3)
	waitFor(t, "completion", func() bool { return s.Stats().RequestsProcessed == 1 })
}
