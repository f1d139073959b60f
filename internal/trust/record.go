package trust

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/binary"
	"fmt"
)

// Record tags of §11.2.
const (
	recLength      = 1
	recDNSName     = 2
	recSubject     = 3
	recRole        = 4
	recIssuer      = 5
	recSerial      = 6
	recPublicKey   = 7
	recSignature   = 8
	recCertificate = 9
	recIPAddress   = 10
	recCertHash    = 11
	recHashAlg     = 12
)

// Entry is one certificate to list, with its role; DNSName (CTL) is written
// when not empty.
type Entry struct {
	Role    Role
	Cert    *x509.Certificate
	DNSName string
}

// Record is one decoded trust-list record (§11.2).
type Record struct {
	DNSName     string // tag 2, CTL
	Subject     string // tag 3
	Role        Role   // tag 4
	Issuer      string // tag 5
	Serial      []byte // tag 6, big-endian
	PublicKey   []byte // tag 7: RSA PKCS#1 DER, or EC uncompressed point
	Signature   []byte // tag 8: the certificate's signature
	Certificate []byte // tag 9: DER
	IPAddress   []byte // tag 10, CTL: raw bytes (encoding not documented)
	CertHash    []byte // tag 11: SHA-1 of the certificate DER
	HashAlg     Hash   // tag 12: the hash of tag 11 (§11.1 codes)
}

// publicKeyBytes encodes a certificate's key as tag 7 holds it.
func publicKeyBytes(c *x509.Certificate) ([]byte, error) {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return x509.MarshalPKCS1PublicKey(k), nil
	case *ecdsa.PublicKey:
		ek, err := k.ECDH()
		if err != nil {
			return nil, fmt.Errorf("EC key of %s: %w (%w)", c.Subject, ErrKey, err)
		}
		return ek.Bytes(), nil
	}
	return nil, fmt.Errorf("%T key of %s: %w", c.PublicKey, c.Subject, ErrKey)
}

// appendRecord appends the record of e: the length element, then the tags
// in the order of the §11.2 table.
func appendRecord(dst []byte, e Entry) ([]byte, error) {
	if e.Cert == nil {
		return dst, fmt.Errorf("no certificate: %w", ErrKey)
	}
	pk, err := publicKeyBytes(e.Cert)
	if err != nil {
		return dst, err
	}
	sum := sha1.Sum(e.Cert.Raw)
	start := len(dst)
	dst = appendTLV(dst, recLength, []byte{0, 0})
	if e.DNSName != "" {
		dst = appendCString(dst, recDNSName, e.DNSName)
	}
	dst = appendCString(dst, recSubject, e.Cert.Subject.String())
	dst = appendTLV(dst, recRole, binary.BigEndian.AppendUint16(nil, uint16(e.Role)))
	dst = appendCString(dst, recIssuer, e.Cert.Issuer.String())
	dst = appendTLV(dst, recSerial, serialBytes(e.Cert))
	dst = appendTLV(dst, recPublicKey, pk)
	dst = appendTLV(dst, recSignature, e.Cert.Signature)
	dst = appendTLV(dst, recCertificate, e.Cert.Raw)
	dst = appendTLV(dst, recCertHash, sum[:])
	dst = appendTLV(dst, recHashAlg, []byte{byte(SHA1)})
	n := len(dst) - start
	if err := checkLen("record", n); err != nil {
		return dst[:start], err
	}
	binary.BigEndian.PutUint16(dst[start+3:], uint16(n))
	return dst, nil
}
