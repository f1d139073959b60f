package tftpd

import (
	"bytes"
	"cmtftp/internal/source"
	"context"
	"fmt"
	"testing"
	"time"

	"cmtftp/internal/tftp"
	"cmtftp/internal/tftpclient"
)

func fetch(t *testing.T, addr string, name string, c tftpclient.Client) ([]byte, tftpclient.Result, error) {
	t.Helper()
	var buf bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if c.Timeout == 0 {
		c.Timeout = 200 * time.Millisecond
	}
	res, err := c.Get(ctx, addr, name, &buf)
	return buf.Bytes(), res, err
}

// TestSizesAndOptions fetches files at the block-size edges through both
// stacks with lockstep, large-block and windowed settings.
func TestSizesAndOptions(t *testing.T) {
	files := map[string][]byte{}
	sizes := []int{0, 1, 511, 512, 513, 1024, 4096, 100_000, 1 << 20}
	for _, n := range sizes {
		files[fmt.Sprintf("f%d", n)] = randomBytes(t, n)
	}
	clients := map[string]tftpclient.Client{
		"plain":          {},
		"tsize":          {TSize: true},
		"blksize1428":    {BlockSize: 1428, TSize: true},
		"window16":       {BlockSize: 512, WindowSize: 16},
		"window64 big":   {BlockSize: 65464, WindowSize: 64},
		"window-only":    {WindowSize: 4},
		"blksize8 win64": {BlockSize: 8, WindowSize: 64},
	}
	for _, network := range []string{"udp4", "udp6"} {
		_, addr := testServer(t, network, files, nil)
		for cname, c := range clients {
			for _, n := range sizes {
				if cname == "blksize8 win64" && n > 4096 {
					continue
				}
				name := fmt.Sprintf("f%d", n)
				t.Run(fmt.Sprintf("%s/%s/%d", network, cname, n), func(t *testing.T) {
					got, res, err := fetch(t, addr.String(), name, c)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got, files[name]) {
						t.Fatalf("got %d bytes, want %d (differ)", len(got), n)
					}
					if c.TSize && (!res.Options.HasTSize || res.Options.TSize != int64(n)) {
						t.Fatalf("tsize %+v, want %d", res.Options, n)
					}
					if c.BlockSize > 0 && res.Options.BlockSize != c.BlockSize {
						t.Fatalf("blksize %d, want %d", res.Options.BlockSize, c.BlockSize)
					}
				})
			}
		}
	}
}

// TestBlockWrap serves a file of more than 65535 blocks, so block numbers
// wrap past 65535 (twice at blksize 8), lockstep and windowed.
func TestBlockWrap(t *testing.T) {
	data := randomBytes(t, 2*65536*8+1000)
	_, addr := testServer(t, "udp4", map[string][]byte{"big": data}, nil)
	for _, c := range []tftpclient.Client{{BlockSize: 8, WindowSize: 64}, {BlockSize: 16}} {
		got, _, err := fetch(t, addr.String(), "big", c)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%+v: %d bytes, err %v", c, len(got), err)
		}
	}
}

func TestNetascii(t *testing.T) {
	text := []byte("line one\nline two\r\nbare\rend\n")
	s, addr := testServer(t, "udp4", map[string][]byte{"t.txt": text}, nil)
	got, res, err := fetch(t, addr.String(), "t.txt", tftpclient.Client{Netascii: true, TSize: true, BlockSize: 8})
	if err != nil || !bytes.Equal(got, text) {
		t.Fatalf("netascii: %q %v", got, err)
	}
	if res.Options.TSize != int64(tftp.NetasciiLen(text)) {
		t.Fatalf("tsize %d, want converted size %d", res.Options.TSize, tftp.NetasciiLen(text))
	}
	// The raw bytes on the wire are converted.
	p := newPeer(t, addr)
	p.rrq("t.txt", "NetASCII", tftp.Options{})
	if payload := p.expectData(1); string(payload) != string(tftp.AppendNetascii(nil, text)) {
		t.Fatalf("wire bytes %q", payload)
	}
	p.ack(1)
	waitFor(t, "completion", func() bool { return s.Stats().RequestsProcessed >= 2 })
}

func TestModesAndWrites(t *testing.T) {
	_, addr := testServer(t, "udp4", map[string][]byte{"f": []byte("x")}, nil)
	for _, mode := range []string{"mail", "binary", "unknown"} {
		p := newPeer(t, addr)
		p.rrq("f", mode, tftp.Options{})
		p.expectError(tftp.ErrIllegalOp)
	}
	p := newPeer(t, addr)
	p.sendTo(addr, tftp.AppendRequest(nil, tftp.OpWRQ, "new-file", "octet", tftp.Options{}))
	if msg := p.expectError(tftp.ErrAccessViolation); msg != "access violation" {
		t.Fatalf("WRQ message %q", msg)
	}
	p = newPeer(t, addr)
	p.rrq("missing", "octet", tftp.Options{})
	if msg := p.expectError(tftp.ErrFileNotFound); msg != "File not found" {
		t.Fatalf("not found message %q", msg)
	}
	for _, name := range []string{"../etc/passwd", "C:/x", "a\x01b", "..\\..\\x"} {
		p = newPeer(t, addr)
		p.rrq(name, "octet", tftp.Options{})
		p.expectError(tftp.ErrAccessViolation)
	}
}

// TestOptionNegotiation covers the option edge cases of bad-input.md.
func TestOptionNegotiation(t *testing.T) {
	data := randomBytes(t, 3000)
	_, addr := testServer(t, "udp4", map[string][]byte{"f": data}, func(s *Server) { s.MaxBlockSize = 1468 })
	tests := []struct {
		name  string
		parts []string
		want  string // the OACK, or "" for DATA 1 straight away
		first int    // length of DATA 1's payload when want == ""
	}{
		{"no options", nil, "", 512},
		{"blksize 7 ignored", []string{"blksize", "7"}, "", 512},
		{"blksize 0 ignored", []string{"blksize", "0"}, "", 512},
		{"blksize -1 ignored", []string{"blksize", "-1"}, "", 512},
		{"blksize abc ignored", []string{"blksize", "abc"}, "", 512},
		{"blksize 8", []string{"blksize", "8"}, "blksize\x008\x00", 0},
		{"blksize 65464 clamped to server max", []string{"blksize", "65464"}, "blksize\x001468\x00", 0},
		{"blksize 65465 clamped", []string{"blksize", "65465"}, "blksize\x001468\x00", 0},
		{"blksize 2^32 clamped", []string{"blksize", "4294967296"}, "blksize\x001468\x00", 0},
		{"windowsize 65 clamped to 64", []string{"windowsize", "65"}, "windowsize\x0064\x00", 0},
		{"windowsize 0 ignored", []string{"windowsize", "0"}, "", 512},
		{"windowsize 65535 clamped", []string{"windowsize", "65535"}, "windowsize\x0064\x00", 0},
		{"blksize and windowsize", []string{"blksize", "1468", "windowsize", "64"}, "blksize\x001468\x00windowsize\x0064\x00", 0},
		{"timeout 0 ignored", []string{"timeout", "0"}, "", 512},
		{"timeout 256 ignored", []string{"timeout", "256"}, "", 512},
		{"timeout 1e9 ignored", []string{"timeout", "1e9"}, "", 512},
		{"timeout 3", []string{"timeout", "3"}, "timeout\x003\x00", 0},
		{"tsize 0", []string{"tsize", "0"}, "tsize\x003000\x00", 0},
		{"tsize non-zero answered with real size", []string{"tsize", "99"}, "tsize\x003000\x00", 0},
		{"unknown and multicast ignored", []string{"multicast", "", "utimeout", "99999999999999999999"}, "", 512},
		{"order fixed", []string{"windowsize", "2", "tsize", "0", "blksize", "1024"}, "blksize\x001024\x00tsize\x003000\x00windowsize\x002\x00", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPeer(t, addr)
			b := []byte{0, 1}
			for _, s := range append([]string{"f", "octet"}, tt.parts...) {
				b = append(append(b, s...), 0)
			}
			p.sendTo(addr, b)
			pkt := p.mustRecv()
			if tt.want == "" {
				blk, payload, err := tftp.ParseData(pkt)
				if err != nil || blk != 1 || len(payload) != tt.first {
					t.Fatalf("want DATA 1 of %d bytes, got %q", tt.first, pkt)
				}
			} else if string(pkt) != "\x00\x06"+tt.want {
				t.Fatalf("OACK %q, want %q", pkt, "\x00\x06"+tt.want)
			}
			p.sendTo(p.tid, tftp.AppendError(nil, tftp.ErrOptionRefused, "stop"))
		})
	}
}

// TestOACKThenAck0 checks that no DATA comes before ACK 0, and that an OACK
// is sent again when ACK 0 is lost.
func TestOACKThenAck0(t *testing.T) {
	_, addr := testServer(t, "udp4", map[string][]byte{"f": randomBytes(t, 100)}, nil)
	p := newPeer(t, addr)
	p.rrq("f", "octet", tftp.Options{HasTSize: true})
	first := p.mustRecv()
	again := p.mustRecv() // no ACK 0: the OACK comes again after the timeout
	if !bytes.Equal(first, again) || first[1] != byte(tftp.OpOACK) {
		t.Fatalf("first %q, then %q", first, again)
	}
	p.ack(0)
	p.expectData(1)
	p.ack(1)
}

// TestSharedSlots: with a Maximum Serving Count shared with another server
// (HTTP), a TFTP request finds no free slot while the other holds it.
func TestSharedSlots(t *testing.T) {
	slots := source.NewSlots(1)
	srv, addr := testServer(t, "udp4", map[string][]byte{"a.bin": []byte("hello")}, func(s *Server) { s.Slots = slots })
	if !slots.Acquire() { // the other server's transfer
		t.Fatal("no slot")
	}
	p := newPeer(t, addr)
	p.rrq("a.bin", "octet", tftp.Options{})
	if msg := p.expectError(tftp.ErrUndefined); msg != BusyMessage {
		t.Fatalf("with every shared slot taken: %q", msg)
	}
	slots.Release()
	p2 := newPeer(t, addr)
	p2.rrq("a.bin", "octet", tftp.Options{})
	if got := p2.expectData(1); string(got) != "hello" {
		t.Fatalf("after release: %q", got)
	}
	p2.ack(1)
	waitFor(t, "slot given back", func() bool { return slots.InUse() == 0 && srv.InProgress() == 0 })
}
