package trust

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"
)

// fuzzSigner is one RSA 1024 key for the fuzz seeds: each fuzz worker makes
// its own, under coverage instrumentation, where five RSA 2048 keys took
// longer than the whole fuzz run.
var fuzzSigner = sync.OnceValues(func() (Signer, error) {
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		return Signer{}, err
	}
	c, err := selfSign("fuzz", k)
	return Signer{Key: k, Cert: c}, err
})

// loadFuzzSigner returns fuzzSigner or fails f.
func loadFuzzSigner(f *testing.F) Signer {
	s, err := fuzzSigner()
	if err != nil {
		f.Fatal(err)
	}
	return s
}

// checkHeader states what every header ParseHeader accepts must satisfy.
func checkHeader(t *testing.T, file []byte, h Header, payload []byte) {
	t.Helper()
	if h.Length > len(file) || !bytes.Equal(payload, file[h.Length:]) {
		t.Fatalf("payload is not file[%d:]", h.Length)
	}
	end := h.SignatureOffset + 3 + len(h.Signature)
	if h.SignatureOffset < 0 || end > h.Length || file[h.SignatureOffset] != tagSignature {
		t.Fatalf("signature element at %d..%d outside the header of %d", h.SignatureOffset, end, h.Length)
	}
}

// FuzzParseSigned: ParseHeader and Verify never panic, and what they accept
// is consistent.
func FuzzParseSigned(f *testing.F) {
	s := loadFuzzSigner(f)
	for _, o := range []Options{{}, {Hash: SHA1, Time: time.Unix(1, 0)}} {
		file, err := Sign("SEP001122AABBCC.cnf.xml.sgn", []byte("<device/>"), s, o)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(file)
	}
	f.Add([]byte{1, 0, 2, 1, 0, 2, 0, 2, 0, 10})
	enc, err := EncryptConfig("SEP001122AABBCC.cnf.xml.enc.sgn", []byte("<device/>"), s.Cert, s, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc)
	pub := s.Cert.PublicKey
	f.Fuzz(func(t *testing.T, file []byte) {
		h, payload, err := ParseHeader(file)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("ParseHeader error %v is not ErrMalformed", err)
			}
			return
		}
		checkHeader(t, file, h, payload)
		_ = Verify(file, pub)
	})
}

// FuzzParseTrustList: ParseTrustList never panics, fails only with
// ErrMalformed, and what it accepts survives a round trip: the records,
// written again canonically (encodeRecords) and parsed again, are the same,
// and they cannot hold more records than the body has room for.
func FuzzParseTrustList(f *testing.F) {
	s := loadFuzzSigner(f)
	entries := []Entry{{Role: RoleSAST, Cert: s.Cert}, {Role: RoleCCM, Cert: s.Cert, DNSName: "cucm1"}}
	file, err := BuildTrustList("CTLFile.tlv", entries, s, TrustListOptions{Time: time.Unix(1, 0)})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(file)
	f.Fuzz(func(t *testing.T, file []byte) {
		h, recs, err := ParseTrustList(file)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("ParseTrustList error %v is not ErrMalformed", err)
			}
			return
		}
		checkHeader(t, file, h, file[h.Length:])
		if body := len(file) - h.Length; len(recs)*minRecordSize > body {
			t.Fatalf("%d records in a body of %d bytes (each at least %d)", len(recs), body, minRecordSize)
		}
		again, err := parseRecords(encodeRecords(recs))
		if err != nil || !reflect.DeepEqual(again, recs) {
			t.Fatalf("records written again and parsed: %v\n got %+v\nwant %+v", err, again, recs)
		}
	})
}

// minRecordSize is the smallest record ParseTrustList accepts: the length
// element, the role and an empty key.
const minRecordSize = 5 + 5 + 3

// encodeRecords writes records back in the order appendRecord uses, each
// field that was present (a non-empty string, a non-nil slice, a non-zero
// hash code), so that parsing the result gives the same records.
func encodeRecords(recs []Record) []byte {
	var b []byte
	for _, r := range recs {
		start := len(b)
		b = appendTLV(b, recLength, []byte{0, 0})
		for _, f := range []struct {
			tag byte
			s   string
		}{{recDNSName, r.DNSName}, {recSubject, r.Subject}} {
			if f.s != "" {
				b = appendCString(b, f.tag, f.s)
			}
		}
		b = appendTLV(b, recRole, []byte{byte(r.Role >> 8), byte(r.Role)})
		if r.Issuer != "" {
			b = appendCString(b, recIssuer, r.Issuer)
		}
		for _, f := range []struct {
			tag byte
			v   []byte
		}{{recSerial, r.Serial}, {recPublicKey, r.PublicKey}, {recSignature, r.Signature}, {recCertificate, r.Certificate},
			{recIPAddress, r.IPAddress}, {recCertHash, r.CertHash}} {
			if f.v != nil {
				b = appendTLV(b, f.tag, f.v)
			}
		}
		if r.HashAlg != 0 {
			b = appendTLV(b, recHashAlg, []byte{byte(r.HashAlg)})
		}
		n := len(b) - start
		b[start+3], b[start+4] = byte(n>>8), byte(n)
	}
	return b
}

// FuzzDecrypt: DecryptConfig never panics, fails only with the package's
// sentinels, and what it returns is the payload decrypted less the pad
// count, whose hash the header carries.
func FuzzDecrypt(f *testing.F) {
	s := loadFuzzSigner(f)
	for _, n := range []int{0, 9, 16, 40} {
		for _, h := range []Hash{SHA512, SHA1} {
			file, err := EncryptConfig("SEP001122AABBCC.cnf.xml.enc.sgn", bytes.Repeat([]byte("x"), n), s.Cert, s, Options{Hash: h})
			if err != nil {
				f.Fatal(err)
			}
			f.Add(file)
		}
	}
	key := s.Key.(*rsa.PrivateKey)
	f.Fuzz(func(t *testing.T, file []byte) {
		h, plain, err := DecryptConfig(file, key)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrKey) && !errors.Is(err, ErrSignature) {
				t.Fatalf("DecryptConfig error %v is none of the sentinels", err)
			}
			return
		}
		checkHeader(t, file, h, file[h.Length:])
		e := h.Encryption
		if h.Version != (Version{2, 0}) || len(plain)+e.PadCount != len(file)-h.Length {
			t.Fatalf("version %v: %d plain bytes + %d pad from %d of ciphertext", h.Version, len(plain), e.PadCount, len(file)-h.Length)
		}
		ch, err := e.PlainHash.crypto()
		if err != nil {
			t.Fatal(err)
		}
		d := ch.New()
		d.Write(plain)
		if !bytes.Equal(d.Sum(nil), e.PlainDigest) {
			t.Fatal("the plaintext returned does not have the header's hash")
		}
	})
}
