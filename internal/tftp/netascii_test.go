package tftp

import (
	"bytes"
	"testing"
)

func TestNetascii(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"a\nb", "a\r\nb"},
		{"a\rb", "a\r\x00b"},
		{"\r\n", "\r\x00\r\n"},
		{"\n\n", "\r\n\r\n"},
	}
	for _, tt := range tests {
		got := AppendNetascii(nil, []byte(tt.in))
		if string(got) != tt.want || NetasciiLen([]byte(tt.in)) != len(tt.want) {
			t.Errorf("AppendNetascii(%q) = %q (len %d), want %q", tt.in, got, NetasciiLen([]byte(tt.in)), tt.want)
		}
		// Decoding, cut at every point, gives back the input.
		for cut := 0; cut <= len(got); cut++ {
			var d NetasciiDecoder
			out := d.Append(nil, got[:cut])
			out = d.Append(out, got[cut:])
			out = d.Flush(out)
			if string(out) != tt.in {
				t.Errorf("decode(%q) cut at %d = %q", got, cut, out)
			}
		}
	}
}

func FuzzNetascii(f *testing.F) {
	f.Add([]byte("line\nline\r\n\rend\r"), 3)
	f.Fuzz(func(t *testing.T, in []byte, cut int) {
		enc := AppendNetascii(nil, in)
		if len(enc) != NetasciiLen(in) {
			t.Fatalf("length %d != NetasciiLen %d", len(enc), NetasciiLen(in))
		}
		if cut < 0 {
			cut = -cut
		}
		cut %= len(enc) + 1
		var d NetasciiDecoder
		out := d.Flush(d.Append(d.Append(nil, enc[:cut]), enc[cut:]))
		if !bytes.Equal(out, in) {
			t.Fatalf("round trip %q -> %q -> %q", in, enc, out)
		}
	})
}
