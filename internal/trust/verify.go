package trust

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"math/big"
)

// checkSigner checks that s holds an RSA key matching its certificate and
// returns the signature length in bytes.
func checkSigner(s Signer) (int, error) {
	if s.Key == nil || s.Cert == nil {
		return 0, fmt.Errorf("signer without key or certificate: %w", ErrKey)
	}
	pub, ok := s.Key.Public().(*rsa.PublicKey)
	if !ok {
		return 0, fmt.Errorf("signing key %T is not RSA: %w", s.Key.Public(), ErrKey)
	}
	if !pub.Equal(s.Cert.PublicKey) {
		return 0, fmt.Errorf("signing key does not match the certificate of %s: %w", s.Cert.Subject, ErrKey)
	}
	n := pub.Size()
	if _, ok := modulusIndex[n]; !ok {
		return 0, fmt.Errorf("RSA key of %d bits (512, 1024, 2048 or 4096): %w", n*8, ErrKey)
	}
	return n, nil
}

// serialBytes returns the certificate serial as big-endian bytes, at least
// one.
func serialBytes(c *x509.Certificate) []byte {
	if c.SerialNumber == nil || c.SerialNumber.Sign() == 0 {
		return []byte{0}
	}
	return new(big.Int).Set(c.SerialNumber).Bytes()
}

// Verify checks the §11.1 signature of file (a signed file or a trust list)
// against pub, an *rsa.PublicKey, as a phone does: the whole file without the
// tag-12 element, RSA PKCS#1 v1.5 with the header's hash.
func Verify(file []byte, pub crypto.PublicKey) error {
	h, _, err := ParseHeader(file)
	if err != nil {
		return err
	}
	return verifyHeader(file, &h, pub)
}

// verifyHeader checks the signature of file, whose header h is.
func verifyHeader(file []byte, h *Header, pub crypto.PublicKey) error {
	rpub, ok := pub.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("verifying with a %T key: %w", pub, ErrKey)
	}
	if h.SigAlg != 0 {
		return fmt.Errorf("signature algorithm %d (only 0, RSA PKCS#1 v1.5): %w", h.SigAlg, ErrKey)
	}
	ch, err := h.Hash.crypto()
	if err != nil {
		return err
	}
	d := ch.New()
	d.Write(file[:h.SignatureOffset])
	d.Write(file[h.SignatureOffset+3+len(h.Signature):])
	if err := rsa.VerifyPKCS1v15(rpub, ch, d.Sum(nil), h.Signature); err != nil {
		return fmt.Errorf("%s signed by %s: %w (%w)", h.Filename, h.SignerName, ErrSignature, err)
	}
	return nil
}
