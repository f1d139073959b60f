package trust

import (
	"crypto"
	"encoding/hex"
	"fmt"
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
// hash code h, and the file-name element of the spec's example name.
func signerElements(h string) []any {
	return signerElementsNamed(h, "SEP00AA11BB22CC.cnf.xml.sgn")
}

// signerElementsNamed is signerElements with the file name name.
func signerElementsNamed(h, name string) []any {
	return []any{
		"03 0032",
		"04 0010", "s:CN=TFTP-Lab,O=X\x00",
		"06 0010", "s:CN=TFTP-Lab,O=X\x00",
		"05 0009 010203040506070809",
		"07 000F", "08 0001 " + h, "09 0008", "0A 0001 00", "0B 0001 02",
		"0C 0100", masked(256),
		fmt.Sprintf("0E %04X", len(name)+1), "s:" + name + "\x00",
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
	const encName = "SEP00AA11BB22CC.cnf.xml.enc.sgn"
	encrypt := func(h Hash) func() ([]byte, error) {
		return func() ([]byte, error) {
			return EncryptConfig(encName, payload, k.tftp.Cert, k.sast, Options{Hash: h, Time: ts})
		}
	}
	cases := []struct {
		name  string
		build func() ([]byte, error)
		parts []any
		tail  int // the payload's length after the header, when not 0
	}{
		{"spec example: SHA-1, timestamp, 2 pad bytes to 380", func() ([]byte, error) {
			return Sign(name, payload, k.sast, Options{Hash: SHA1, Time: ts})
		}, append(append(head("0100", "017C"), signerElements("01")...), "0F 0004 65432100", "0D 0D"), 9},
		{"SHA-512 default", func() ([]byte, error) {
			return Sign(name, payload, k.sast, Options{Time: ts})
		}, append(append(head("0100", "017C"), signerElements("03")...), "0F 0004 65432100", "0D 0D"), 9},
		{"no timestamp: 371, 1 pad byte to 372", func() ([]byte, error) {
			return Sign(name, payload, k.sast, Options{Hash: SHA1, Version: Version{1, 1}})
		}, append(append(head("0101", "0174"), signerElements("01")...), "0D"), 9},
		{"trust list: version 1.2, signer version 1.1 (tag 28), 383 + 1 pad to 384", func() ([]byte, error) {
			return BuildTrustList(name, []Entry{{Role: RoleSAST, Cert: k.sast.Cert}}, k.sast,
				TrustListOptions{SignerVersion: Version{1, 1}, Time: ts})
		}, append(append(head("0102", "0180", "1C 0002 0101"), signerElements("03")...), "0F 0004 65432100", "0D"), 0},
		{"encrypted, SHA-512: 762 + 2 pad to 764, one AES block", encrypt(SHA512),
			append(append(append(head("0200", "02FC"), signerElementsNamed("03", encName)...), "0F 0004 65432100"),
				append(encryptionElements(t, "03", payload), "0D 0D")...), 16},
		{"encrypted, SHA-1: 718 + 2 pad to 720", encrypt(SHA1),
			append(append(append(head("0200", "02D0"), signerElementsNamed("01", encName)...), "0F 0004 65432100"),
				append(encryptionElements(t, "01", payload), "0D 0D")...), 16},
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
			if c.tail != 0 && len(got)-len(want) != c.tail {
				t.Errorf("%d bytes after the header, want %d", len(got)-len(want), c.tail)
			}
		})
	}
}

// encryptionElements are the §11.3 elements of a 9-byte plaintext (7 pad
// bytes), encrypted to a 2048-bit phone key, with hash code h: IV and key
// masked, the plaintext hash computed.
func encryptionElements(t *testing.T, h string, plain []byte) []any {
	t.Helper()
	hs := map[string]crypto.Hash{"01": crypto.SHA1, "03": crypto.SHA512}[h]
	d := hs.New()
	d.Write(plain)
	sum := d.Sum(nil)
	return []any{
		"10 0132",
		"11 001C", "12 0001 00", "13 0010", masked(16), "14 0002 0007",
		"15 0110", "16 0001 00", "17 0002 0080", "18 0001 01", "19 0100", masked(256),
		"1A 0001 " + h, fmt.Sprintf("1B %04X", len(sum)), hex.EncodeToString(sum),
	}
}
