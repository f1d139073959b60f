package keys

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"cmtftp/internal/store"
)

// ErrDeviceCert reports a device certificate that cannot be used: not an
// X.509 certificate, or not of an RSA key (the configuration's AES key is
// encrypted to it with RSA PKCS#1 v1.5, §11.3).
var ErrDeviceCert = errors.New("keys: not a device certificate")

// ParseDeviceCert returns the DER of a device certificate given as PEM
// (its first CERTIFICATE block) or DER; it must be an X.509 certificate
// of an RSA key.
func ParseDeviceCert(data []byte) ([]byte, error) { return parseRSACert(data, ErrDeviceCert) }

// parseRSACert returns the DER of an X.509 certificate of an RSA key given
// as PEM (its first CERTIFICATE block) or DER; its errors wrap kind.
func parseRSACert(data []byte, kind error) ([]byte, error) {
	der := data
	if i := bytes.Index(data, []byte("-----BEGIN")); i >= 0 {
		der = nil
		for rest := data[i:]; der == nil; {
			var b *pem.Block
			if b, rest = pem.Decode(rest); b == nil {
				return nil, fmt.Errorf("%w: PEM without a CERTIFICATE block", kind)
			}
			if b.Type == "CERTIFICATE" {
				der = b.Bytes
			}
		}
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", kind, err)
	}
	if _, ok := c.PublicKey.(*rsa.PublicKey); !ok {
		return nil, fmt.Errorf("%w: %s has a %s key, not RSA", kind, c.Subject, c.PublicKeyAlgorithm)
	}
	return der, nil
}

// PutDeviceCert stores the certificate data (PEM or DER, see
// ParseDeviceCert) as the device's and describes it; its CertHash goes
// into the device's encrypted-configuration stub.
func PutDeviceCert(ctx context.Context, ks store.KeyStore, device string, data []byte) (CertInfo, error) {
	der, info, err := readCert(data, ErrDeviceCert)
	if err != nil {
		return CertInfo{}, err
	}
	if err := ks.PutDeviceCert(ctx, device, der); err != nil {
		return CertInfo{}, fmt.Errorf("keys: %w", err)
	}
	return info, nil
}

// DeviceCert returns the device's certificate as PEM, and what it is.
func DeviceCert(ctx context.Context, ks store.KeyStore, device string) ([]byte, CertInfo, error) {
	der, err := ks.DeviceCert(ctx, device)
	if err != nil {
		return nil, CertInfo{}, fmt.Errorf("keys: %w", err)
	}
	return pemOf(der)
}

// readCert reads data as a certificate with an RSA key (parseRSACert,
// its errors wrapping kind) and describes it.
func readCert(data []byte, kind error) ([]byte, CertInfo, error) {
	der, err := parseRSACert(data, kind)
	if err != nil {
		return nil, CertInfo{}, err
	}
	info, err := Describe(der)
	return der, info, err
}

// pemOf returns a stored certificate as PEM, and what it is.
func pemOf(der []byte) ([]byte, CertInfo, error) {
	info, err := Describe(der)
	if err != nil {
		return nil, CertInfo{}, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), info, nil
}
