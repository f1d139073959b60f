package keys

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"cmtftp/internal/store"
	"cmtftp/internal/trust"
)

// CertInfo describes a certificate as the commands print it.
type CertInfo struct {
	Subject  string    `json:"subject"`
	Issuer   string    `json:"issuer"`
	Serial   string    `json:"serial"` // upper-case hex
	NotAfter time.Time `json:"notAfter"`
	Key      string    `json:"key"` // "RSA 2048", "EC P-256"
	SHA1     string    `json:"sha1"`
	SHA256   string    `json:"sha256"`
	CertHash string    `json:"certHash"` // MD5, as an encrypted configuration's stub names a device certificate
}

// Describe returns what a certificate (DER) is.
func Describe(der []byte) (CertInfo, error) {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return CertInfo{}, fmt.Errorf("keys: certificate: %w", err)
	}
	i := CertInfo{Subject: c.Subject.String(), Issuer: c.Issuer.String(), Serial: strings.ToUpper(c.SerialNumber.Text(16)),
		NotAfter: c.NotAfter.UTC(), Key: keyName(c), CertHash: trust.CertHash(der)}
	i.SHA1, i.SHA256 = trust.Fingerprint(der)
	return i, nil
}

// keyName names a certificate's key type and size.
func keyName(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "EC " + k.Curve.Params().Name
	}
	return c.PublicKeyAlgorithm.String()
}

// KeyInfo describes one stored signing key (no secret needed).
type KeyInfo struct {
	ID      int64         `json:"id"`
	Role    store.KeyRole `json:"role"`
	Retired bool          `json:"retired"`
	// ListSigner is set on the SAST that signs the trust lists.
	ListSigner bool `json:"listSigner"`
	// ServesHTTPS is set on the key whose certificate HTTPS 6971 serves:
	// the active HTTPS key, else the active TFTP key.
	ServesHTTPS bool      `json:"servesHTTPS"`
	Created     time.Time `json:"created"`
	CertInfo
}

// Show describes every stored key, retired ones too, oldest first.
func Show(ctx context.Context, ks store.KeyStore) ([]KeyInfo, error) {
	all, err := ks.Keys(ctx, true)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	signer, https := int64(-1), int64(-1)
	if s, ok := activeOf(all, store.KeySAST); ok {
		signer = s.ID
	}
	if h, ok := httpsOf(all); ok {
		https = h.ID
	}
	var out []KeyInfo
	for _, k := range all {
		ci, err := Describe(k.Cert)
		if err != nil {
			return nil, fmt.Errorf("key %d: %w", k.ID, err)
		}
		out = append(out, KeyInfo{ID: k.ID, Role: k.Role, Retired: k.Retired, ListSigner: k.ID == signer, ServesHTTPS: k.ID == https, Created: k.Created, CertInfo: ci})
	}
	return out, nil
}

// activeOf returns the active key of role r that serves: the oldest SAST
// (the list signer), or the newest TFTP or HTTPS key.
func activeOf(keys []store.Key, r store.KeyRole) (store.Key, bool) {
	var found store.Key
	ok := false
	for _, k := range keys {
		if k.Retired || k.Role != r {
			continue
		}
		if !ok || r != store.KeySAST {
			found, ok = k, true
		}
	}
	return found, ok
}

// httpsOf returns the active key whose certificate HTTPS 6971 serves: the
// HTTPS key, else the TFTP key.
func httpsOf(keys []store.Key) (store.Key, bool) {
	if k, ok := activeOf(keys, store.KeyHTTPS); ok {
		return k, true
	}
	return activeOf(keys, store.KeyTFTP)
}

// ActiveCert returns the certificate (DER) of the active key of role r
// that serves: for KeySAST the list signer, for KeyTFTP the TFTP key
// (which signs the files), for KeyHTTPS the certificate HTTPS 6971 serves
// (the EC HTTPS key's, else the TFTP key's). ErrNoKeys when there is none.
// No secret is needed.
func ActiveCert(ctx context.Context, ks store.KeyStore, r store.KeyRole) ([]byte, error) {
	active, err := ks.Keys(ctx, false)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	k, ok := activeOf(active, r)
	if r == store.KeyHTTPS {
		k, ok = httpsOf(active)
	}
	if !ok {
		return nil, fmt.Errorf("%s: %w", r, ErrNoKeys)
	}
	return k.Cert, nil
}
