package trust

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// masked is a run of n bytes the layout test does not compare (the RSA
// signature).
type masked int

// layout writes the expected bytes by hand: hex strings (spaces allowed),
// text ("s:" prefix) and masked runs.
func layout(t *testing.T, parts ...any) ([]byte, []bool) {
	t.Helper()
	var b []byte
	var m []bool
	for _, p := range parts {
		var add []byte
		skip := false
		switch v := p.(type) {
		case masked:
			add, skip = make([]byte, v), true
		case string:
			if s, ok := strings.CutPrefix(v, "s:"); ok {
				add = []byte(s)
				break
			}
			var err error
			if add, err = hex.DecodeString(strings.ReplaceAll(v, " ", "")); err != nil {
				t.Fatalf("bad hex %q: %v", v, err)
			}
		}
		b = append(b, add...)
		for range add {
			m = append(m, skip)
		}
	}
	return b, m
}

// signerElements are the spec example's signer info and signature info,
// hash code h.
func signerElements(h string) []any {
	return []any{
		"03 0032",
		"04 0010", "s:CN=TFTP-Lab,O=X\x00",
		"06 0010", "s:CN=TFTP-Lab,O=X\x00",
		"05 0009 010203040506070809",
		"07 000F", "08 0001 " + h, "09 0008", "0A 0001 00", "0B 0001 02",
		"0C 0100", masked(256),
		"0E 001C", "s:SEP00AA11BB22CC.cnf.xml.sgn\x00",
	}
}

// TestHeaderLayout compares the builder's header byte for byte with the
// layout §11.1 documents (the signature value aside).
func TestHeaderLayout(t *testing.T) {
	k := loadKeys(t)
	const name = "SEP00AA11BB22CC.cnf.xml.sgn"
	ts := time.Unix(0x6543_2100, 0)
	payload := []byte("<device/>")
	head := func(version, length string, extra ...any) []any {
		return append([]any{"01 0002 " + version, "02 0002 " + length}, extra...)
	}
	cases := []struct {
		name  string
		build func() ([]byte, error)
		parts []any
	}{
		{"spec example: SHA-1, timestamp, 2 pad bytes to 380", func() ([]byte, error) {
			return Sign(name, payload, k.sast, Options{Hash: SHA1, Time: ts})
		}, append(append(head("0100", "017C"), signerElements("01")...), "0F 0004 65432100", "0D 0D")},
		{"SHA-512 default", func() ([]byte, error) {
			return Sign(name, payload, k.sast, Options{Time: ts})
		}, append(append(head("0100", "017C"), signerElements("03")...), "0F 0004 65432100", "0D 0D")},
		{"no timestamp: 371, 1 pad byte to 372", func() ([]byte, error) {
			return Sign(name, payload, k.sast, Options{Hash: SHA1, Version: Version{1, 1}})
		}, append(append(head("0101", "0174"), signerElements("01")...), "0D")},
		{"trust list: version 1.2, signer version 1.1 (tag 28), 383 + 1 pad to 384", func() ([]byte, error) {
			return BuildTrustList(name, []Entry{{Role: RoleSAST, Cert: k.sast.Cert}}, k.sast,
				TrustListOptions{SignerVersion: Version{1, 1}, Time: ts})
		}, append(append(head("0102", "0180", "1C 0002 0101"), signerElements("03")...), "0F 0004 65432100", "0D")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.build()
			if err != nil {
				t.Fatal(err)
			}
			want, mask := layout(t, c.parts...)
			if len(got) < len(want) {
				t.Fatalf("file of %d bytes, header alone should be %d", len(got), len(want))
			}
			for i := range want {
				if !mask[i] && got[i] != want[i] {
					t.Fatalf("byte %d: got %#02x, want %#02x\ngot  % x\nwant % x", i, got[i], want[i], got[:len(want)], want)
				}
			}
		})
	}
}
