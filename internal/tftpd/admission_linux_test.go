package tftpd

import (
	"net/netip"
	"testing"
	"time"

	"cmtftp/internal/tftp"
)

// TestNoBusyAfterLastAck: a client that sends its last ACK and at once a
// new request is served, not told to retry later, even with one serving
// slot: the slot of the transfer it just finished comes back before the
// new request is refused, though the event loop may not have read that
// ACK yet when the request arrives.
func TestNoBusyAfterLastAck(t *testing.T) {
	s, addr := testServer(t, "udp4", map[string][]byte{"f": []byte("one block")}, func(s *Server) {
		s.MaxServingCount, s.Timeout = 1, time.Second
	})
	p := newPeer(t, addr)
	for i := range 300 {
		p.tid = netip.AddrPort{}
		p.rrq("f", "octet", tftp.Options{})
		pkt := p.mustRecv()
		if blk, _, err := tftp.ParseData(pkt); err != nil || blk != 1 {
			t.Fatalf("request %d of 300 answered %q (%d refused as busy)", i+1, pkt, s.Stats().RequestsOverflow)
		}
		p.ack(1)
	}
	waitFor(t, "the last transfer", func() bool { return s.Stats().RequestsProcessed == 300 })
}
