package e2e

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cmtftp/internal/trust"
)

// TestServerCert: in a secure cluster, a call-control server's
// certificate stored with cmtftp server cert set is listed in the CTL as
// a CCM record named by the server's host (the CTL verifies), never in
// the ITL; a change of the server's host renames the record; deleting the
// certificate takes the record out.
func TestServerCert(t *testing.T) {
	s := startSecureSite(t)
	s.run(t, "keys", "init", "--keys-secret-file", s.secret, "--tftp-name", "localhost", "--tftp-name", "127.0.0.1")
	mustCLI(t, s.admin, "param", "set", "ClusterSecurityMode", "mixed")
	s.waitFor(t, "CTLFile.tlv", func(b []byte) bool { return len(ccmRecords(t, b)) == 0 })

	der, certPEM := callManagerCert(t)
	path := filepath.Join(t.TempDir(), "cert.pem")
	if err := os.WriteFile(path, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	s.run(t, "server", "cert", "set", "cm-a", path)
	ctl := s.waitFor(t, "CTLFile.tlv", func(b []byte) bool { return len(ccmRecords(t, b)) > 0 })
	recs := ccmRecords(t, ctl)
	if len(recs) != 1 || !bytes.Equal(recs[0].Certificate, der) || recs[0].DNSName != "127.0.0.1" {
		t.Fatalf("CTL CCM records %d; want one of cm-a's certificate named 127.0.0.1, got %+v", len(recs), recs)
	}
	itl, ok := s.tftpGet(t, "ITLFile.tlv")
	_, itlRecs, err := trust.VerifyTrustList(itl, nil)
	if !ok || err != nil || len(trust.Certificates(itlRecs, trust.RoleCCM)) != 0 {
		t.Errorf("ITLFile.tlv: found %v, %v, %d CCM records (want none)", ok, err, len(trust.Certificates(itlRecs, trust.RoleCCM)))
	}

	mustCLI(t, s.admin, "server", "set", "cm-a", "--host", "cm-a.example.net")
	s.waitFor(t, "CTLFile.tlv", func(b []byte) bool {
		recs := ccmRecords(t, b)
		return len(recs) == 1 && recs[0].DNSName == "cm-a.example.net"
	})
	s.run(t, "server", "cert", "delete", "cm-a")
	s.waitFor(t, "CTLFile.tlv", func(b []byte) bool { return len(ccmRecords(t, b)) == 0 })
}

// ccmRecords verifies a CTL and returns its CCM records.
func ccmRecords(t *testing.T, ctl []byte) []trust.Record {
	t.Helper()
	_, recs, err := trust.VerifyTrustList(ctl, nil)
	if err != nil {
		t.Fatalf("CTLFile.tlv: %v", err)
	}
	var out []trust.Record
	for _, r := range recs {
		if r.Role == trust.RoleCCM {
			out = append(out, r)
		}
	}
	return out
}

// callManagerCert is a call-control server's self-signed RSA certificate
// (its CallManager certificate), DER and PEM.
func callManagerCert(t *testing.T) ([]byte, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1001), Subject: pkix.Name{CommonName: "cm-a", Organization: []string{"Demo"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0), DNSNames: []string{"cm-a"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
