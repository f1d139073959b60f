package tftp

import (
	"bytes"
	"errors"
	"testing"
)

func TestData(t *testing.T) {
	b := AppendData(nil, 65535, []byte("hello"))
	if !bytes.Equal(b, []byte{0, 3, 0xff, 0xff, 'h', 'e', 'l', 'l', 'o'}) {
		t.Fatalf("encoded % x", b)
	}
	blk, p, err := ParseData(b)
	if err != nil || blk != 65535 || string(p) != "hello" {
		t.Fatalf("ParseData = %d %q %v", blk, p, err)
	}
	if _, _, err := ParseData([]byte{0, 3, 0}); !errors.Is(err, ErrShort) {
		t.Fatalf("short DATA: %v", err)
	}
	if _, _, err := ParseData([]byte{0, 4, 0, 1}); !errors.Is(err, ErrOpcode) {
		t.Fatalf("ACK as DATA: %v", err)
	}
	empty := AppendData(nil, 7, nil)
	if blk, p, err := ParseData(empty); err != nil || blk != 7 || len(p) != 0 {
		t.Fatalf("empty DATA: %d %q %v", blk, p, err)
	}
	hdr := make([]byte, 4)
	PutDataHeader(hdr, 258)
	if !bytes.Equal(hdr, []byte{0, 3, 1, 2}) {
		t.Fatalf("PutDataHeader % x", hdr)
	}
}

func TestAck(t *testing.T) {
	tests := []struct {
		in      []byte
		want    uint16
		wantErr error
	}{
		{[]byte{0, 4, 0, 0}, 0, nil},
		{[]byte{0, 4, 1, 0}, 256, nil},
		{[]byte{0, 4, 0, 1, 0, 0}, 1, nil}, // padded
		{[]byte{0, 4, 0}, 0, ErrShort},
		{[]byte{0, 3, 0, 1}, 0, ErrOpcode},
		{nil, 0, ErrShort},
	}
	for _, tt := range tests {
		got, err := ParseAck(tt.in)
		if !errors.Is(err, tt.wantErr) || got != tt.want {
			t.Errorf("ParseAck(% x) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	if b := AppendAck(nil, 513); !bytes.Equal(b, []byte{0, 4, 2, 1}) {
		t.Fatalf("AppendAck % x", b)
	}
}

func TestError(t *testing.T) {
	b := AppendError(nil, ErrFileNotFound, "File not found")
	if string(b) != "\x00\x05\x00\x01File not found\x00" || len(b) != ErrorLen("File not found") {
		t.Fatalf("encoded %q", b)
	}
	code, msg, err := ParseError(b)
	if err != nil || code != ErrFileNotFound || msg != "File not found" {
		t.Fatalf("ParseError = %d %q %v", code, msg, err)
	}
	// A NUL in the message cuts it.
	if b := AppendError(nil, 0, "a\x00b"); string(b) != "\x00\x05\x00\x00a\x00" || ErrorLen("a\x00b") != len(b) {
		t.Fatalf("NUL in msg: %q", b)
	}
	// Three bytes or fewer: refused (CVE-2019-11365).
	for _, in := range [][]byte{{0, 5}, {0, 5, 0}} {
		if _, _, err := ParseError(in); !errors.Is(err, ErrShort) {
			t.Errorf("ParseError(% x) err = %v", in, err)
		}
	}
	// No final NUL: the message runs to the end.
	if _, msg, err := ParseError([]byte("\x00\x05\x00\x00abc")); err != nil || msg != "abc" {
		t.Fatalf("unterminated: %q %v", msg, err)
	}
}

func TestOACK(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"none", Options{}, "\x00\x06"},
		{"order is fixed", Options{WindowSize: 8, HasTSize: true, TSize: 4096, BlockSize: 1428, Timeout: 5},
			"\x00\x06blksize\x001428\x00timeout\x005\x00tsize\x004096\x00windowsize\x008\x00"},
		{"tsize zero", Options{HasTSize: true}, "\x00\x06tsize\x000\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := AppendOACK(nil, tt.o)
			if string(b) != tt.want {
				t.Fatalf("got %q want %q", b, tt.want)
			}
			got, err := ParseOACK(b)
			if err != nil || got != tt.o {
				t.Fatalf("ParseOACK = %+v, %v", got, err)
			}
		})
	}
	if _, err := ParseOACK([]byte("\x00\x06bogus\x001\x00")); !errors.Is(err, ErrMalformed) {
		t.Fatalf("unknown option in OACK: %v", err)
	}
}

func TestOpcodeString(t *testing.T) {
	for op, want := range map[Opcode]string{OpRRQ: "RRQ", OpWRQ: "WRQ", OpDATA: "DATA", OpACK: "ACK", OpERROR: "ERROR", OpOACK: "OACK", 77: "UNKNOWN"} {
		if op.String() != want {
			t.Errorf("%d: %q", op, op.String())
		}
	}
}

// TestNoAllocs checks that the per-packet codec work allocates nothing.
func TestNoAllocs(t *testing.T) {
	buf := make([]byte, 0, 1024)
	payload := make([]byte, 512)
	data := AppendData(nil, 1, payload)
	ack := AppendAck(nil, 1)
	n := testing.AllocsPerRun(1000, func() {
		buf = AppendData(buf[:0], 2, payload)
		buf = AppendAck(buf[:0], 2)
		PutDataHeader(buf[:4], 3)
		if _, _, err := ParseData(data); err != nil {
			t.Fatal(err)
		}
		if _, err := ParseAck(ack); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Fatalf("DATA/ACK encode+decode allocated %.1f times per run", n)
	}
}

func BenchmarkDataAck(b *testing.B) {
	buf := make([]byte, 0, 1024)
	payload := make([]byte, 512)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		buf = AppendData(buf[:0], uint16(i), payload)
		if _, _, err := ParseData(buf); err != nil {
			b.Fatal(err)
		}
		buf = AppendAck(buf[:0], uint16(i))
		if _, err := ParseAck(buf); err != nil {
			b.Fatal(err)
		}
	}
}
