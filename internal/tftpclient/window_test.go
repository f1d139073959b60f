package tftpclient

import (
	"io"
	"net/netip"
	"slices"
	"testing"

	"cmtftp/internal/tftp"
)

// TestWindowAcks: what a windowed read acknowledges, and when. A gap is
// answered at once with the last block held in order, a duplicate (a
// sender's probe) every time, and every ACK starts the count of the next
// window; a timeout in a window cut short acknowledges what arrived.
func TestWindowAcks(t *testing.T) {
	server := netip.MustParseAddrPort("192.0.2.1:69")
	full := make([]byte, 8)
	type ev struct {
		blk     int // DATA block; 0: the OACK; -1: a timeout
		payload []byte
	}
	data := func(blks ...int) []ev {
		var evs []ev
		for _, b := range blks {
			evs = append(evs, ev{blk: b, payload: full})
		}
		return evs
	}
	for _, tc := range []struct {
		name string
		evs  []ev
		acks []uint16
	}{
		{"a whole window", append([]ev{{}}, data(1, 2, 3, 4)...), []uint16{0, 4}},
		{"a gap is answered once, at once", append([]ev{{}}, data(1, 3, 4)...), []uint16{0, 1}},
		{"the window counts from the gap's ACK", append([]ev{{}}, data(1, 3, 4, 2, 3, 4, 5)...), []uint16{0, 1, 5}},
		{"a probe is acknowledged", append([]ev{{}}, data(1, 2, 1)...), []uint16{0, 2}},
		{"the count restarts after a probe's ACK", append([]ev{{}}, data(1, 2, 1, 3, 4, 5, 6)...), []uint16{0, 2, 6}},
		{"a timeout in a short window acknowledges what arrived", append([]ev{{}}, append(data(1, 2), ev{blk: -1})...), []uint16{0, 2}},
		{"a timeout after a whole window sends its ACK again", append([]ev{{}}, append(data(1, 2, 3, 4), ev{blk: -1})...), []uint16{0, 4, 4}},
		{"the last block is acknowledged", append([]ev{{}}, ev{blk: 1, payload: full}, ev{blk: 2, payload: []byte("x")}), []uint16{0, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var acks []uint16
			c := &Client{BlockSize: 8, WindowSize: 4}
			x := c.NewExchange(server, "f", io.Discard, func(p []byte, _ netip.AddrPort) {
				if blk, err := tftp.ParseAck(p); err == nil {
					acks = append(acks, blk)
				}
			})
			x.Start()
			for _, e := range tc.evs {
				var err error
				switch e.blk {
				case -1:
					err = x.Expired()
				case 0:
					_, err = x.Receive(tftp.AppendOACK(nil, tftp.Options{BlockSize: 8, WindowSize: 4}), server)
				default:
					_, err = x.Receive(tftp.AppendData(nil, uint16(e.blk), e.payload), server)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Equal(acks, tc.acks) {
				t.Fatalf("ACKs %v, want %v", acks, tc.acks)
			}
		})
	}
}
