package trust

import (
	"crypto"
	"crypto/rand"
	_ "crypto/sha1" // SHA-1 for old firmware (§11.1 hash code 1)
	_ "crypto/sha256"
	_ "crypto/sha512"
	"crypto/x509"
	"fmt"
	"time"
)

// Hash is the §11.1 hash-algorithm code (tag 8).
type Hash byte

// The hash codes of §11.1; the builder writes SHA1 or SHA512 (as sgnfile
// does), the verifier also accepts SHA256.
const (
	SHA1   Hash = 1
	SHA256 Hash = 2
	SHA512 Hash = 3
)

// crypto returns the standard-library hash of h.
func (h Hash) crypto() (crypto.Hash, error) {
	switch h {
	case SHA1:
		return crypto.SHA1, nil
	case SHA256:
		return crypto.SHA256, nil
	case SHA512:
		return crypto.SHA512, nil
	}
	return 0, fmt.Errorf("hash algorithm %d: %w", h, ErrKey)
}

// Signer is a signing key with its certificate: the certificate's subject,
// issuer and serial go into the header, the key signs.
type Signer struct {
	Key  crypto.Signer
	Cert *x509.Certificate
}

// Options are the choices of a signed file; the zero value signs with
// SHA-512, writes version 1.0 and no timestamp.
type Options struct {
	Hash    Hash      // SHA512 when zero; SHA1 for old firmware
	Version Version   // header version (tag 1); 1.0 when zero (what sgnfile writes)
	Time    time.Time // the timestamp (tag 15); omitted when zero
}

// modulusIndex maps an RSA signature length in bytes to the tag-11 index.
var modulusIndex = map[int]byte{64: 0, 128: 1, 256: 2, 512: 3}

// Sign returns the §11.1 signed file of payload: the header naming the file
// name and the signer, then payload. The key must be RSA (512 to 4096 bit;
// 2048 is what phones expect) and match the certificate.
func Sign(name string, payload []byte, s Signer, o Options) ([]byte, error) {
	h := Header{Filename: name, Version: o.Version, Hash: o.Hash}
	if h.Version == (Version{}) {
		h.Version = Version{1, 0}
	}
	if !o.Time.IsZero() {
		h.Timestamp, h.HasTimestamp = o.Time, true
	}
	return sign(&h, payload, s)
}

// sign fills in h from s, lays it out, signs header and payload and returns
// the whole file.
func sign(h *Header, payload []byte, s Signer) ([]byte, error) {
	sigLen, err := checkSigner(s)
	if err != nil {
		return nil, err
	}
	if h.Hash == 0 {
		h.Hash = SHA512
	}
	if h.Hash != SHA1 && h.Hash != SHA512 {
		return nil, fmt.Errorf("signing with hash %d (only SHA-1 and SHA-512): %w", h.Hash, ErrKey)
	}
	return signWith(h, payload, s, sigLen)
}

// signWith is sign for any hash h.Hash names, with a signature of sigLen
// bytes (tests write SHA-256 files with it, which phones also read).
func signWith(h *Header, payload []byte, s Signer, sigLen int) ([]byte, error) {
	h.SignerName, h.IssuerName = s.Cert.Subject.String(), s.Cert.Issuer.String()
	h.Serial = serialBytes(s.Cert)
	h.SigAlg, h.Modulus = 0, modulusIndex[sigLen]
	parts, err := encodeHeader(h, sigLen)
	if err != nil {
		return nil, err
	}
	ch, err := h.Hash.crypto()
	if err != nil {
		return nil, err
	}
	d := ch.New()
	d.Write(parts.before)
	d.Write(parts.after)
	d.Write(payload)
	sig, err := s.Key.Sign(rand.Reader, d.Sum(nil), ch)
	if err != nil {
		return nil, fmt.Errorf("signing %s: %w", h.Filename, err)
	}
	if len(sig) != sigLen {
		return nil, fmt.Errorf("signature of %d bytes, want %d: %w", len(sig), sigLen, ErrKey)
	}
	h.Signature = sig
	out := make([]byte, 0, h.Length+len(payload))
	out = appendTLV(append(out, parts.before...), tagSignature, sig)
	return append(append(out, parts.after...), payload...), nil
}
