package tftpd

import (
	"testing"
	"time"

	"cmtftp/internal/source"
	"cmtftp/internal/tftp"
)

// TestOneServingLimit: given Slots, the server's limit is theirs alone
// (MaxServingCount is not used); without, the server has slots of its own,
// MaxServingCount of them, DefaultMaxServingCount when that is zero.
func TestOneServingLimit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tweak func(*Server)
		want  int
	}{
		{"shared slots", func(s *Server) { s.Slots, s.MaxServingCount = source.NewSlots(3), 1 }, 3},
		{"own slots", func(s *Server) { s.MaxServingCount = 2 }, 2},
		{"zero value", func(*Server) {}, DefaultMaxServingCount},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, addr := testServer(t, "udp4", map[string][]byte{"f": []byte("x")}, func(s *Server) {
				s.Timeout = 10 * time.Second
				tc.tweak(s)
			})
			holders := make([]*peer, tc.want)
			for i := range holders {
				holders[i] = newPeer(t, addr)
				holders[i].rrq("f", "octet", tftp.Options{})
				holders[i].expectData(1) // and no ACK: the slot stays taken
			}
			extra := newPeer(t, addr)
			extra.rrq("f", "octet", tftp.Options{})
			if msg := extra.expectError(tftp.ErrUndefined); msg != BusyMessage {
				t.Fatalf("request %d: %q", tc.want+1, msg)
			}
			for _, h := range holders {
				h.sendTo(h.tid, tftp.AppendError(nil, tftp.ErrUndefined, "enough"))
			}
			waitFor(t, "slots given back", func() bool { return s.InProgress() == 0 })
		})
	}
}
