package trust

import (
	"bytes"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"
	"time"
)

// isContainer reports whether tag is a header container (§11.1, §11.3).
func isContainer(tag byte) bool {
	switch tag {
	case tagSignerInfo, tagSignatureInfo, tagSigAlgInfo, tagEncInfo, tagIVInfo, tagKeyInfo:
		return true
	}
	return false
}

// cutHeader cuts the header of file (hl bytes) at c and shrinks the header
// length and the length of every container around c to match, so that the
// element reader of the innermost container meets the cut. It returns the
// cut file, the error text that cut must give ("truncated length" in an
// element's tag and length, "past the end" in its value, "" between
// elements) and how many containers deep the cut is.
func cutHeader(t *testing.T, file []byte, hl, c int) ([]byte, string, int) {
	t.Helper()
	f := append(bytes.Clone(file[:c]), file[hl:]...)
	f[8], f[9] = byte(c>>8), byte(c)
	off, end, depth := 10, hl, 0
	for off < end {
		e, next, err := next(file[:end], off)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case c == off:
			return f, "", depth
		case c >= next:
			off = next
			continue
		case c-off < 3:
			return f, "truncated length", depth
		case !isContainer(e.tag):
			return f, "past the end", depth
		}
		n := c - off - 3 // the container's value, cut
		f[off+1], f[off+2] = byte(n>>8), byte(n)
		off, end, depth = off+3, next, depth+1
	}
	return f, "", depth
}

// TestHeaderCutInside: the header of a signed file, a trust list and an
// encrypted configuration, cut at every offset with its lengths shrunk to
// match, is refused by the innermost element reader; a cut between
// elements may parse (fewer fields) but never verifies.
func TestHeaderCutInside(t *testing.T) {
	k := loadKeys(t)
	ts := Options{Time: time.Unix(1, 0)}
	signed, err1 := Sign("SEP001122AABBCC.cnf.xml.sgn", []byte("<device/>"), k.sast, ts)
	list, err2 := BuildTrustList("ITLFile.tlv", []Entry{{Role: RoleSAST, Cert: k.sast.Cert}}, k.sast, TrustListOptions{Time: ts.Time})
	enc, err3 := EncryptConfig("SEP001122AABBCC.cnf.xml.enc.sgn", []byte("<device/>"), k.tftp.Cert, k.sast, ts)
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	for _, file := range [][]byte{signed, list, enc} {
		h, _, err := ParseHeader(file)
		if err != nil {
			t.Fatal(err)
		}
		deepest := 0
		for c := 10; c < h.Length; c++ {
			f, want, depth := cutHeader(t, file, h.Length, c)
			if want != "" {
				deepest = max(deepest, depth)
			}
			_, _, err := ParseHeader(f)
			if want == "" {
				if err != nil && !errors.Is(err, ErrMalformed) {
					t.Fatalf("%s cut at %d (between elements): %v", h.Filename, c, err)
				}
			} else if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), want) {
				t.Fatalf("%s cut at %d: %v; want ErrMalformed %q", h.Filename, c, err, want)
			}
			if Verify(f, k.sast.Cert.PublicKey) == nil {
				t.Fatalf("%s cut at %d verifies", h.Filename, c)
			}
			if _, plain, err := DecryptConfig(f, k.tftp.Key.(*rsa.PrivateKey)); err == nil && !bytes.Equal(plain, []byte("<device/>")) {
				t.Fatalf("%s cut at %d decrypts to %q", h.Filename, c, plain)
			}
		}
		if deepest != 2 { // inside 7 { 9 { 10, 11 } }, and 16 { 17, 21 }
			t.Fatalf("%s: the deepest cut is %d containers deep, want 2", h.Filename, deepest)
		}
	}
}
