package tftp

import (
	"errors"
	"strings"
	"testing"
)

func req(parts ...string) []byte {
	b := []byte{0, 1}
	for _, p := range parts {
		b = append(b, p...)
		b = append(b, 0)
	}
	return b
}

func TestParseRequest(t *testing.T) {
	long := strings.Repeat("a", 65536)
	tests := []struct {
		name    string
		in      []byte
		want    Request
		wantErr error
	}{
		{"plain", req("SEP001122AABBCC.cnf.xml", "octet"), Request{Op: OpRRQ, Filename: "SEP001122AABBCC.cnf.xml", Mode: "octet"}, nil},
		{"mode upper", req("a", "NETASCII"), Request{Op: OpRRQ, Filename: "a", Mode: "netascii"}, nil},
		{"wrq", append([]byte{0, 2}, "f\x00octet\x00"...), Request{Op: OpWRQ, Filename: "f", Mode: "octet"}, nil},
		{"all options, mixed case", req("f", "octet", "BLKSIZE", "1428", "Timeout", "3", "tsize", "0", "windowsize", "16"),
			Request{Op: OpRRQ, Filename: "f", Mode: "octet", Options: Options{BlockSize: 1428, Timeout: 3, HasTSize: true, WindowSize: 16}}, nil},
		{"blksize above max is lowered", req("f", "octet", "blksize", "65465"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Options: Options{BlockSize: 65464}}, nil},
		{"blksize 2^32 lowered", req("f", "octet", "blksize", "4294967296"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Options: Options{BlockSize: 65464}}, nil},
		{"blksize 7 ignored", req("f", "octet", "blksize", "7"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Ignored: 1}, nil},
		{"blksize 0 ignored", req("f", "octet", "blksize", "0"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Ignored: 1}, nil},
		{"blksize 8", req("f", "octet", "blksize", "8"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Options: Options{BlockSize: 8}}, nil},
		{"blksize -1 ignored", req("f", "octet", "blksize", "-1"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Ignored: 1}, nil},
		{"blksize abc ignored", req("f", "octet", "blksize", "abc"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Ignored: 1}, nil},
		{"blksize 11 digits ignored", req("f", "octet", "blksize", "99999999999"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Ignored: 1}, nil},
		{"windowsize 0 ignored", req("f", "octet", "windowsize", "0"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Ignored: 1}, nil},
		{"windowsize 65535", req("f", "octet", "windowsize", "65535"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Options: Options{WindowSize: 65535}}, nil},
		{"windowsize 65536 ignored", req("f", "octet", "windowsize", "65536"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Ignored: 1}, nil},
		{"timeout 0 ignored", req("f", "octet", "timeout", "0"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Ignored: 1}, nil},
		{"timeout 256 ignored", req("f", "octet", "timeout", "256"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Ignored: 1}, nil},
		{"timeout 1e9 ignored", req("f", "octet", "timeout", "1e9"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Ignored: 1}, nil},
		{"utimeout huge ignored", req("f", "octet", "utimeout", strings.Repeat("9", 5000)), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Ignored: 1}, nil},
		{"tsize nonzero kept", req("f", "octet", "tsize", "1234"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Options: Options{TSize: 1234, HasTSize: true}}, nil},
		{"duplicate: first wins", req("f", "octet", "blksize", "1024", "blksize", "512"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Options: Options{BlockSize: 1024}, Ignored: 1}, nil},
		{"unknown options ignored", req("f", "octet", "multicast", "", "x", "y"), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Ignored: 2}, nil},
		{"name without value", append(req("f", "octet"), "blksize"...), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Ignored: 1}, nil},
		{"value without NUL", append(req("f", "octet", "blksize"), "1024"...), Request{Op: OpRRQ, Filename: "f", Mode: "octet", Ignored: 1}, nil},
		{"filename of 64 KiB", req(long, "octet"), Request{Op: OpRRQ, Filename: long, Mode: "octet"}, nil},
		{"no NUL after filename", []byte("\x00\x01file"), Request{}, ErrMalformed},
		{"no NUL after mode", []byte("\x00\x01file\x00octet"), Request{}, ErrMalformed},
		{"empty filename", req("", "octet"), Request{}, ErrMalformed},
		{"empty mode", req("f", ""), Request{}, ErrMalformed},
		{"empty", nil, Request{}, ErrShort},
		{"one byte", []byte{0}, Request{}, ErrShort},
		{"data is not a request", []byte{0, 3, 0, 1}, Request{}, ErrOpcode},
		{"unknown opcode", []byte{0, 9, 'a', 0, 'o', 0}, Request{}, ErrOpcode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRequest(tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if got != tt.want {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestThreeHundredOptions(t *testing.T) {
	parts := []string{"f", "octet"}
	for i := 0; i < 300; i++ {
		parts = append(parts, "opt", "1")
	}
	r, err := ParseRequest(req(parts...))
	if err != nil {
		t.Fatal(err)
	}
	if r.Ignored != 300 || !r.Options.Empty() {
		t.Fatalf("got %+v", r)
	}
}

func TestRequestRoundTrip(t *testing.T) {
	o := Options{BlockSize: 1428, Timeout: 2, HasTSize: true, WindowSize: 64}
	b := AppendRequest(nil, OpRRQ, "RingList.xml", "octet", o)
	want := "\x00\x01RingList.xml\x00octet\x00blksize\x001428\x00timeout\x002\x00tsize\x000\x00windowsize\x0064\x00"
	if string(b) != want {
		t.Fatalf("encoded %q\nwant    %q", b, want)
	}
	r, err := ParseRequest(b)
	if err != nil {
		t.Fatal(err)
	}
	if r.Filename != "RingList.xml" || r.Mode != "octet" || r.Options != o {
		t.Fatalf("round trip gave %+v", r)
	}
}
