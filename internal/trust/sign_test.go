package trust

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestSignRoundTrip: ParseHeader reads what Sign writes, and the signature
// verifies with the signer's public key.
func TestSignRoundTrip(t *testing.T) {
	k := loadKeys(t)
	payload := bytes.Repeat([]byte("<device><x/></device>\n"), 400)
	ts := time.Unix(1764640000, 0).UTC()
	cases := []struct {
		name string
		file string
		o    Options
		want Hash
	}{
		{"SHA-512 default", "SEP001122AABBCC.cnf.xml.sgn", Options{Time: ts}, SHA512},
		{"SHA-1", "SK12.xml.sgn", Options{Hash: SHA1, Time: ts}, SHA1},
		{"no timestamp, version 1.1", "XMLDefault.cnf.xml.sgn", Options{Version: Version{1, 1}}, SHA512},
		{"empty payload", "RingList.xml.sgn", Options{}, SHA512},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := payload
			if c.name == "empty payload" {
				p = nil
			}
			file, err := Sign(c.file, p, k.sast, c.o)
			if err != nil {
				t.Fatal(err)
			}
			h, got, err := ParseHeader(file)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, p) || h.Filename != c.file || h.Hash != c.want {
				t.Errorf("payload equal %v, file %q, hash %d", bytes.Equal(got, p), h.Filename, h.Hash)
			}
			if h.SignerName != "CN=TFTP-Lab,O=X" || h.IssuerName != h.SignerName || !bytes.Equal(h.Serial, serial9.Bytes()) {
				t.Errorf("signer %q issuer %q serial % x", h.SignerName, h.IssuerName, h.Serial)
			}
			if h.HasTimestamp != !c.o.Time.IsZero() || (h.HasTimestamp && !h.Timestamp.Equal(ts)) || h.Length%4 != 0 {
				t.Errorf("timestamp %v (%v), header length %d", h.Timestamp, h.HasTimestamp, h.Length)
			}
			if err := Verify(file, k.sast.Cert.PublicKey); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

// TestVerifyRejects: any flipped byte outside the signature's own bytes, or
// the wrong key, fails verification.
func TestVerifyRejects(t *testing.T) {
	k := loadKeys(t)
	file, err := Sign("SEP001122AABBCC.cnf.xml.sgn", []byte("<device/>"), k.sast, Options{Time: time.Unix(1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	h, _, err := ParseHeader(file)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		at   int
		key  Signer
	}{
		{"payload byte", len(file) - 2, k.sast},
		{"signer name byte", 17, k.sast},
		{"file name byte", h.SignatureOffset + 3 + 256 + 4, k.sast},
		{"timestamp byte", h.Length - 2 - 1, k.sast},
		{"signature byte", h.SignatureOffset + 3 + 10, k.sast},
		{"foreign key, no change", -1, k.foreign},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := bytes.Clone(file)
			if c.at >= 0 {
				f[c.at] ^= 0x20
			}
			err := Verify(f, c.key.Cert.PublicKey)
			if !errors.Is(err, ErrSignature) {
				t.Errorf("Verify = %v, want ErrSignature", err)
			}
		})
	}
}

// TestSignRefuses: keys and options the builder cannot use are refused.
func TestSignRefuses(t *testing.T) {
	k := loadKeys(t)
	cases := []struct {
		name string
		s    Signer
		o    Options
		want string
	}{
		{"key does not match the certificate", Signer{Key: k.sast.Key, Cert: k.tftp.Cert}, Options{}, "does not match"},
		{"no certificate", Signer{Key: k.sast.Key}, Options{}, "without key"},
		{"SHA-256", k.sast, Options{Hash: SHA256}, "only SHA-1 and SHA-512"},
		{"unknown hash", k.sast, Options{Hash: 9}, "hash"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Sign("x.sgn", nil, c.s, c.o)
			if !errors.Is(err, ErrKey) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Sign = %v, want ErrKey mentioning %q", err, c.want)
			}
		})
	}
}

// TestSignTimestampRange: a time the 4-byte field cannot hold is refused.
func TestSignTimestampRange(t *testing.T) {
	k := loadKeys(t)
	for _, ts := range []time.Time{time.Unix(-1, 0), time.Unix(1<<32, 0)} {
		if _, err := Sign("x.sgn", nil, k.sast, Options{Time: ts}); !errors.Is(err, ErrMalformed) {
			t.Errorf("Sign at %v = %v, want ErrMalformed", ts, err)
		}
	}
}

// TestParseHeaderMalformed: every truncation of a signed file is refused
// with ErrMalformed, never a panic.
func TestParseHeaderMalformed(t *testing.T) {
	k := loadKeys(t)
	file, err := Sign("a.cnf.xml.sgn", []byte("x"), k.sast, Options{Time: time.Unix(1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	h, _, _ := ParseHeader(file)
	for n := 0; n < h.Length; n++ {
		if _, _, err := ParseHeader(file[:n]); !errors.Is(err, ErrMalformed) {
			t.Fatalf("ParseHeader(first %d bytes) = %v, want ErrMalformed", n, err)
		}
	}
}
