package trust

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"sync"
	"testing"
	"time"
)

// testKeys are generated once per test binary: RSA 2048 is slow under -race.
type testKeys struct {
	sast, tftp, foreign, sast2, third Signer
	// impostor has the SAST's subject, issuer and serial, but its own key
	impostor Signer
	ec       *x509.Certificate
}

var (
	keysOnce sync.Once
	keys     testKeys
	keysErr  error
)

// serial9 is a 9-byte serial, as in the spec's example.
var serial9 = new(big.Int).SetBytes([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9})

// loadKeys returns the shared test keys, generating them on first use.
func loadKeys(t testing.TB) testKeys {
	t.Helper()
	keysOnce.Do(func() {
		var k testKeys
		for _, s := range []struct {
			dst *Signer
			cn  string
		}{{&k.sast, "TFTP-Lab"}, {&k.tftp, "tftp1"}, {&k.foreign, "intruder"}, {&k.sast2, "sast2"}, {&k.third, "sast3"}, {&k.impostor, "TFTP-Lab"}} {
			if *s.dst, keysErr = newRSASigner(s.cn); keysErr != nil {
				return
			}
		}
		ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			keysErr = err
			return
		}
		k.ec, keysErr = selfSign("https1", ek)
		keys = k
	})
	if keysErr != nil {
		t.Fatal(keysErr)
	}
	return keys
}

// newRSASigner makes an RSA 2048 key with a self-signed certificate named
// CN=cn,O=X and the 9-byte serial.
func newRSASigner(cn string) (Signer, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return Signer{}, err
	}
	c, err := selfSign(cn, k)
	return Signer{Key: k, Cert: c}, err
}

// selfSign returns a self-signed certificate for key.
func selfSign(cn string, key crypto.Signer) (*x509.Certificate, error) {
	name := pkix.Name{CommonName: cn, Organization: []string{"X"}}
	tmpl := &x509.Certificate{
		SerialNumber: serial9, Subject: name, Issuer: name,
		NotBefore: time.Unix(1700000000, 0), NotAfter: time.Unix(2000000000, 0),
		// about the extensions of a CUCM certificate (~1 KB of DER), so
		// that 64 KiB holds about 39 records as on real clusters
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true, IsCA: true,
		DNSNames: []string{cn + ".cluster1.voice.example.net", cn + "-pub.cluster1.voice.example.net",
			cn + "-sub1.cluster1.voice.example.net", cn + "-sub2.cluster1.voice.example.net",
			cn + "-tftp.cluster1.voice.example.net", cn + "-tvs.cluster1.voice.example.net"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}
