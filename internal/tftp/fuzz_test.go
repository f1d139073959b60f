package tftp

import (
	"bytes"
	"testing"
)

// FuzzParse feeds arbitrary datagrams to every decoder: none may panic, and
// whatever a decoder accepts must encode back to an equivalent packet.
func FuzzParse(f *testing.F) {
	seeds := [][]byte{
		req("SEP001122AABBCC.cnf.xml", "octet", "blksize", "1428", "tsize", "0"),
		req("f", "netascii", "windowsize", "64", "timeout", "3"),
		[]byte("\x00\x01file"),
		[]byte("\x00\x01f\x00octet\x00blksize"),
		{0, 3, 0, 1, 'x'},
		{0, 4, 0, 1},
		{0, 5, 0, 1, 'n', 'o', 0},
		{0, 5, 0},
		{0, 6, 'b', 'l', 'k', 's', 'i', 'z', 'e', 0, '9', 0},
		{},
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		op, err := PeekOpcode(b)
		if err != nil {
			return
		}
		switch op {
		case OpRRQ, OpWRQ:
			r, err := ParseRequest(b)
			if err != nil {
				return
			}
			if bytes.IndexByte([]byte(r.Filename), 0) >= 0 || r.Filename == "" {
				t.Fatalf("bad filename %q", r.Filename)
			}
			again, err := ParseRequest(AppendRequest(nil, r.Op, r.Filename, r.Mode, r.Options))
			if err != nil || again.Filename != r.Filename || again.Mode != r.Mode || again.Options != r.Options {
				t.Fatalf("request round trip: %+v -> %+v, %v", r, again, err)
			}
			checkOptions(t, r.Options)
		case OpDATA:
			blk, p, err := ParseData(b)
			if err == nil && !bytes.Equal(AppendData(nil, blk, p), b) {
				t.Fatal("DATA round trip differs")
			}
		case OpACK:
			if blk, err := ParseAck(b); err == nil && !bytes.Equal(AppendAck(nil, blk), b[:4]) {
				t.Fatal("ACK round trip differs")
			}
		case OpERROR:
			code, msg, err := ParseError(b)
			if err == nil {
				c2, m2, err := ParseError(AppendError(nil, code, msg))
				if err != nil || c2 != code || m2 != msg {
					t.Fatalf("ERROR round trip: %d %q", c2, m2)
				}
			}
		case OpOACK:
			o, err := ParseOACK(b)
			if err == nil {
				checkOptions(t, o)
				again, err := ParseOACK(AppendOACK(nil, o))
				if err != nil || again != o {
					t.Fatalf("OACK round trip %+v -> %+v %v", o, again, err)
				}
			}
		}
	})
}

func checkOptions(t *testing.T, o Options) {
	t.Helper()
	if o.BlockSize != 0 && (o.BlockSize < MinBlockSize || o.BlockSize > MaxBlockSize) {
		t.Fatalf("blksize %d out of range", o.BlockSize)
	}
	if o.Timeout != 0 && (o.Timeout < MinTimeout || o.Timeout > MaxTimeout) {
		t.Fatalf("timeout %d out of range", o.Timeout)
	}
	if o.WindowSize != 0 && (o.WindowSize < MinWindowSize || o.WindowSize > MaxWindowSize) {
		t.Fatalf("windowsize %d out of range", o.WindowSize)
	}
	if o.TSize < 0 {
		t.Fatalf("tsize %d", o.TSize)
	}
}
