package keys_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/keys"
	"cmtftp/internal/store/storetest"
)

// selfSigned returns a self-signed certificate (DER) of key.
func selfSigned(t testing.TB, cn string, key crypto.Signer) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// phoneCert returns the DER of an RSA phone certificate.
func phoneCert(t testing.TB) []byte {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	return selfSigned(t, "CP-8841-SEP001122AABB02", k)
}

// TestParseDeviceCert: PEM (after other blocks) and DER of an RSA
// certificate are taken; an EC certificate, a PEM without a certificate
// and garbage are not.
func TestParseDeviceCert(t *testing.T) {
	der := phoneCert(t)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER := selfSigned(t, "ec phone", ec)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("not this")})
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	for _, tc := range []struct {
		name string
		data []byte
		ok   bool
	}{
		{"DER", der, true},
		{"PEM", certPEM, true},
		{"PEM after a key and text", append(append([]byte("subject=...\n"), keyPEM...), certPEM...), true},
		{"EC", ecDER, false},
		{"PEM without a certificate", keyPEM, false},
		{"garbage", []byte("hello"), false},
		{"empty", nil, false},
	} {
		got, err := keys.ParseDeviceCert(tc.data)
		if tc.ok && (err != nil || string(got) != string(der)) || !tc.ok && !errors.Is(err, keys.ErrDeviceCert) {
			t.Errorf("%s: %d bytes, %v", tc.name, len(got), err)
		}
	}
}

// TestPutDeviceCert: the certificate stored is the DER, described with its
// MD5 certHash; an unknown device is domain.ErrNotFound.
func TestPutDeviceCert(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	if _, err := s.Apply(ctx, storetest.Site()); err != nil {
		t.Fatal(err)
	}
	der := phoneCert(t)
	info, err := keys.PutDeviceCert(ctx, s, "SEP001122AABB02", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(der)
	if info.CertHash != hex.EncodeToString(sum[:]) || info.Subject != "CN=CP-8841-SEP001122AABB02" || info.Key != "RSA 1024" {
		t.Errorf("info %+v", info)
	}
	pemOut, info2, err := keys.DeviceCert(ctx, s, "SEP001122AABB02")
	if b, _ := pem.Decode(pemOut); err != nil || b == nil || string(b.Bytes) != string(der) || info2 != info {
		t.Errorf("read back: %v, %+v", err, info2)
	}
	if _, err := keys.PutDeviceCert(ctx, s, "SEP0000DEADBEEF", der); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("unknown device: %v", err)
	}
}

// TestTFTPCertificateServesTLS: the HTTPS certificate — the RSA TFTP
// one, or the EC HTTPS one — serves TLS on loopback to a client that
// trusts it alone, under its DNS name and its IP address, and the client
// sees a key of that type.
func TestTFTPCertificateServesTLS(t *testing.T) {
	for _, kt := range []keys.KeyType{keys.RSA, keys.EC} {
		o := fast
		o.HTTPSKey = kt
		k, err := keys.Init(context.Background(), openStore(t), secret, o)
		if err != nil {
			t.Fatal(err)
		}
		ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{k.TFTPCertificate()}})
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				c.(*tls.Conn).Handshake()
				c.Close()
			}
		}()
		pool := x509.NewCertPool()
		pool.AddCert(k.TFTPCertificate().Leaf)
		for _, name := range []string{"tftp.example.net", "127.0.0.1"} {
			c, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", ln.Addr().String(), &tls.Config{RootCAs: pool, ServerName: name})
			if err != nil {
				t.Errorf("%s key, as %s: %v", kt, name, err)
				continue
			}
			if got := keyOf(c.ConnectionState().PeerCertificates[0]); !strings.HasPrefix(got, map[keys.KeyType]string{keys.RSA: "RSA", keys.EC: "EC P-256"}[kt]) {
				t.Errorf("%s key: the server showed a %s key", kt, got)
			}
			c.Close()
		}
		ln.Close()
	}
}
