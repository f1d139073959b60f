package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"time"
)

// KeyType is the kind of key pair of the certificate HTTPS 6971 serves.
type KeyType string

// The HTTPS key types: RSA (the default: the TFTP key's own certificate),
// or EC P-256, a key of its own, which phones take only over HTTPS 6971
// with trust lists of signer version 1.1 (§11.4).
const (
	RSA KeyType = "rsa"
	EC  KeyType = "ec"
)

// ErrOption reports an option Init or Rotate cannot use.
var ErrOption = errors.New("keys: bad option")

// Options are the choices of the keys Init and Rotate make; the zero value
// makes RSA 2048 keys valid for ten years, a TFTP certificate for this
// host (its name, localhost, 127.0.0.1 and ::1) that serves HTTPS too, and
// O=cmtftp. Rotate takes what Options leave zero from the keys it
// replaces. The TFTP key is always RSA: it signs the .sgn files, which
// phones verify with RSA only.
type Options struct {
	// Bits is the size of the RSA keys: 1024 or 2048 (phones take at most
	// 2048 in a trust list).
	Bits int
	// HTTPSKey is the key type of the certificate HTTPS 6971 serves: RSA
	// (the TFTP certificate) or EC (a P-256 key of role store.KeyHTTPS,
	// which the trust lists name as a second TFTP record, at signer
	// version 1.1; it signs no file).
	HTTPSKey KeyType
	// TFTPNames are the names of the TFTP (and HTTPS) certificate: host
	// names and IP addresses; the first host name is its common name.
	TFTPNames []string
	// Org and OrgUnit are the certificates' O and OU.
	Org, OrgUnit string
	// Validity is how long the certificates are valid.
	Validity time.Duration
	// Now is the time of issue (time.Now when zero).
	Now time.Time
}

// withDefaults returns o with its zero fields set.
func (o Options) withDefaults() (Options, error) {
	if o.Bits == 0 {
		o.Bits = 2048
	}
	if o.Bits != 1024 && o.Bits != 2048 {
		return o, fmt.Errorf("%w: RSA keys of %d bits (1024 or 2048)", ErrOption, o.Bits)
	}
	if o.HTTPSKey == "" {
		o.HTTPSKey = RSA
	}
	if o.HTTPSKey != RSA && o.HTTPSKey != EC {
		return o, fmt.Errorf("%w: HTTPS key type %q (rsa or ec)", ErrOption, o.HTTPSKey)
	}
	if len(o.TFTPNames) == 0 {
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "localhost"
		}
		o.TFTPNames = uniq(host, "localhost", "127.0.0.1", "::1")
	}
	if o.Org == "" {
		o.Org = "cmtftp"
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return o, nil
}

// uniq returns names without repeats, in order.
func uniq(names ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// notAfter is when a certificate issued under o expires.
func (o Options) notAfter() time.Time {
	if o.Validity > 0 {
		return o.Now.Add(o.Validity)
	}
	return o.Now.AddDate(10, 0, 0)
}

// serial returns a random positive 16-byte certificate serial.
func serial() (*big.Int, error) {
	b := make([]byte, 16)
	for {
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("keys: serial: %w", err)
		}
		b[0] &= 0x7f // positive, and 16 bytes in DER
		if n := new(big.Int).SetBytes(b); n.Sign() > 0 {
			return n, nil
		}
	}
}

// newSAST returns the n-th SAST key pair and its self-signed certificate.
func newSAST(o Options, n int64) (crypto.Signer, []byte, error) {
	priv, err := rsa.GenerateKey(rand.Reader, o.Bits)
	if err != nil {
		return nil, nil, fmt.Errorf("keys: SAST key: %w", err)
	}
	t := &x509.Certificate{
		Subject:               o.name(fmt.Sprintf("cmtftp SAST %d", n)),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := selfSign(t, o, priv)
	return priv, der, err
}

// newServer returns a key pair of type kt (RSA: the TFTP key; EC: the
// HTTPS key) and its self-signed certificate for the names of o, usable to
// serve HTTPS.
func newServer(o Options, kt KeyType) (crypto.Signer, []byte, error) {
	var priv crypto.Signer
	var err error
	usage := x509.KeyUsageDigitalSignature
	if kt == EC {
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	} else {
		priv, err = rsa.GenerateKey(rand.Reader, o.Bits)
		usage |= x509.KeyUsageKeyEncipherment
	}
	if err != nil {
		return nil, nil, fmt.Errorf("keys: %s server key: %w", kt, err)
	}
	t := &x509.Certificate{KeyUsage: usage, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true}
	cn := ""
	for _, n := range o.TFTPNames {
		if ip := net.ParseIP(n); ip != nil {
			t.IPAddresses = append(t.IPAddresses, ip)
			continue
		}
		t.DNSNames = append(t.DNSNames, n)
		if cn == "" {
			cn = n
		}
	}
	if cn == "" {
		cn = o.TFTPNames[0]
	}
	t.Subject = o.name(cn)
	der, err := selfSign(t, o, priv)
	return priv, der, err
}

// name is the subject of common name cn under o's organisation.
func (o Options) name(cn string) pkix.Name {
	n := pkix.Name{CommonName: cn, Organization: []string{o.Org}}
	if o.OrgUnit != "" {
		n.OrganizationalUnit = []string{o.OrgUnit}
	}
	return n
}

// selfSign fills in t's serial and validity and signs it with priv.
func selfSign(t *x509.Certificate, o Options, priv crypto.Signer) ([]byte, error) {
	var err error
	if t.SerialNumber, err = serial(); err != nil {
		return nil, err
	}
	t.NotBefore, t.NotAfter = o.Now.Add(-time.Hour), o.notAfter()
	der, err := x509.CreateCertificate(rand.Reader, t, t, priv.Public(), priv)
	if err != nil {
		return nil, fmt.Errorf("keys: certificate %s: %w", t.Subject, err)
	}
	return der, nil
}
