package device

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"cmtftp/internal/trust"
)

// FuzzSignedCheck: any bytes a server sends for a signed name are
// accepted or refused without a panic; what is accepted is the payload of
// a file signed under that name by the list's TFTP certificate, and with
// verification nothing but the file signed is accepted.
func FuzzSignedCheck(f *testing.F) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		f.Fatal(err)
	}
	name := pkix.Name{CommonName: "tftp1"}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: name, Issuer: name, NotBefore: time.Unix(0, 0), NotAfter: time.Unix(2000000000, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		f.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	signer := trust.Signer{Key: k, Cert: cert}
	list, err := trust.BuildTrustList("ITLFile.tlv", []trust.Entry{{Role: trust.RoleSAST, Cert: cert}, {Role: trust.RoleTFTP, Cert: cert}}, signer, trust.TrustListOptions{})
	if err != nil {
		f.Fatal(err)
	}
	_, recs, err := trust.ParseTrustList(list)
	if err != nil {
		f.Fatal(err)
	}
	good, err := trust.Sign("X.xml.sgn", []byte("<x/>"), signer, trust.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("<x/>"))
	f.Add(list)
	sec := newSecureState(recs, true)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, verify := range []bool{false, true} {
			_, payload, sig, err := sec.check("X.xml.sgn", b, verify)
			if err != nil {
				continue
			}
			if sig == nil || !bytes.HasSuffix(b, payload) {
				t.Fatalf("accepted without a signer, or a payload not of the file")
			}
			if verify && !bytes.Equal(b, good) {
				t.Fatalf("verified a file not signed: % x", b)
			}
		}
	})
}
