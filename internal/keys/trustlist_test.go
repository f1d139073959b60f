package keys_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/keys"
	"cmtftp/internal/store/storetest"
	"cmtftp/internal/trust"
)

// ccmCerts returns n CallManager certificates of one RSA key of bits,
// for servers ccm0…, hosts ccm0.example.net….
func ccmCerts(t testing.TB, n, bits int) []keys.CallControl {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]keys.CallControl, n)
	for i := range out {
		name := fmt.Sprintf("ccm%d", i)
		// As CUCM makes a CallManager certificate: a full subject, its
		// host names and the server and client key usages.
		subject := pkix.Name{CommonName: name + ".example.net", Organization: []string{"Example Corporation"}, OrganizationalUnit: []string{"Unified Communications"},
			Locality: []string{"San Jose"}, Province: []string{"California"}, Country: []string{"US"}}
		tmpl := &x509.Certificate{SerialNumber: new(big.Int).Lsh(big.NewInt(int64(100+i)), 120), Subject: subject,
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(5, 0, 0), DNSNames: []string{name + ".example.net", name},
			KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = keys.CallControl{Name: name, Host: name + ".example.net", Cert: c}
	}
	return out
}

// TestTrustListCallControl: a CTL lists one CCM record per server with a
// certificate, after the SAST and TFTP records, its DNS name the server's
// host, and verifies; a server without a certificate is not listed; the
// ITL lists none and is the same list as without servers.
func TestTrustListCallControl(t *testing.T) {
	k, err := keys.Init(context.Background(), openStore(t), secret, fast)
	if err != nil {
		t.Fatal(err)
	}
	ccm := append(ccmCerts(t, 2, 1024), keys.CallControl{Name: "nocert", Host: "192.0.2.9"})
	ccm[1].Host = "2001:db8::22"
	ctl, err := k.TrustList("CTLFile.tlv", true, 0, time.Now(), ccm)
	if err != nil {
		t.Fatal(err)
	}
	_, recs, err := trust.VerifyTrustList(ctl, nil)
	if err != nil {
		t.Fatalf("CTL: %v", err)
	}
	var roles []string
	for _, r := range recs {
		roles = append(roles, fmt.Sprint(r.Role))
	}
	if got := strings.Join(roles, " "); got != "0 3 1 1" {
		t.Errorf("CTL roles %s, want SAST, TFTP, CCM, CCM", got)
	}
	for i, r := range recs[2:] {
		if r.DNSName != ccm[i].Host || !bytes.Equal(r.Certificate, ccm[i].Cert.Raw) || r.Subject != ccm[i].Cert.Subject.String() {
			t.Errorf("CCM record %d: DNS name %q, subject %q, certificate of %s: %v", i, r.DNSName, r.Subject, ccm[i].Name, bytes.Equal(r.Certificate, ccm[i].Cert.Raw))
		}
	}
	if got := trust.Certificates(recs, trust.RoleCCM); len(got) != 2 {
		t.Errorf("trust.Certificates of role CCM: %d, want 2", len(got))
	}
	itl, err := k.TrustList("ITLFile.tlv", false, 0, time.Time{}, ccm)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := k.TrustList("ITLFile.tlv", false, 0, time.Time{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, recs, err := trust.VerifyTrustList(itl, nil); err != nil || len(trust.Certificates(recs, trust.RoleCCM)) != 0 || !bytes.Equal(itl, plain) {
		t.Errorf("ITL with servers: %v, %d CCM records, same as without: %v", err, len(trust.Certificates(recs, trust.RoleCCM)), bytes.Equal(itl, plain))
	}
}

// TestTrustListTooLarge: a CTL of 40 RSA 2048 CallManager certificates is
// over 64 KiB and refused with trust.ErrTooLarge, the error naming its
// size and the number of certificates; 30 fit; the ITL ignores them.
func TestTrustListTooLarge(t *testing.T) {
	k, err := keys.Init(context.Background(), openStore(t), secret, fast)
	if err != nil {
		t.Fatal(err)
	}
	ccm := ccmCerts(t, 40, 2048)
	_, err = k.TrustList("CTLFile.tlv", true, 0, time.Now(), ccm)
	if !errors.Is(err, trust.ErrTooLarge) {
		t.Fatalf("40 certificates: %v, want ErrTooLarge", err)
	}
	for _, want := range []string{"40 call-control certificates", "bytes, over 65536"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	list, err := k.TrustList("CTLFile.tlv", true, 0, time.Now(), ccm[:30])
	if err != nil || len(list) > trust.MaxTrustListSize {
		t.Errorf("30 certificates: %d bytes, %v", len(list), err)
	}
	if _, err := k.TrustList("ITLFile.tlv", false, 0, time.Now(), ccm); err != nil {
		t.Errorf("the ITL with 40 servers: %v", err)
	}
}

// TestParseServerCert: PEM and DER of an RSA certificate are taken; an EC
// certificate and garbage are refused with ErrServerCert.
func TestParseServerCert(t *testing.T) {
	der := phoneCert(t)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"DER", der, true},
		{"PEM", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), true},
		{"EC", selfSigned(t, "ec ccm", ec), false},
		{"garbage", []byte("not a certificate"), false},
	} {
		got, err := keys.ParseServerCert(tc.in)
		if tc.ok != (err == nil) || tc.ok && !bytes.Equal(got, der) || !tc.ok && !errors.Is(err, keys.ErrServerCert) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// TestLoadCallControl: the servers with a certificate come with their
// hosts, by name; a certificate that cannot be listed (plain SQL) is left
// out with an ErrServerCert naming its server; ServerCert returns the PEM
// of one, ErrNotFound for a server without one.
func TestLoadCallControl(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	if _, err := s.Apply(ctx, storetest.Site()); err != nil {
		t.Fatal(err)
	}
	if ccm, err := keys.LoadCallControl(ctx, s, s); err != nil || len(ccm) != 0 {
		t.Errorf("no certificates: %v, %v", ccm, err)
	}
	der := phoneCert(t)
	for _, server := range []string{"cm3", "cm1"} {
		if _, err := keys.PutServerCert(ctx, s, server, der); err != nil {
			t.Fatal(err)
		}
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.PutServerCert(ctx, s, "cm2", selfSigned(t, "ec", ec)); !errors.Is(err, keys.ErrServerCert) {
		t.Errorf("an EC certificate: %v, want ErrServerCert", err)
	}
	if err := s.PutServerCert(ctx, "cm2", selfSigned(t, "ec", ec)); err != nil { // as plain SQL could
		t.Fatal(err)
	}
	ccm, err := keys.LoadCallControl(ctx, s, s)
	if !errors.Is(err, keys.ErrServerCert) || !strings.Contains(fmt.Sprint(err), "server cm2") {
		t.Errorf("an EC certificate stored: %v, want ErrServerCert naming cm2", err)
	}
	if got := fmt.Sprint(callControlNames(ccm)); got != "[cm1=192.0.2.21 cm3=cm3.example.net]" {
		t.Errorf("call control %s", got)
	}
	p, info, err := keys.ServerCert(ctx, s, "cm1")
	if b, _ := pem.Decode(p); err != nil || b == nil || !bytes.Equal(b.Bytes, der) || info.Key != "RSA 1024" {
		t.Errorf("ServerCert cm1: %v, %+v", err, info)
	}
	if _, _, err := keys.ServerCert(ctx, s, "cm9"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("ServerCert of a server without one: %v, want ErrNotFound", err)
	}
}

// callControlNames returns name=host of each server, checking it has a
// certificate.
func callControlNames(ccm []keys.CallControl) []string {
	var out []string
	for _, c := range ccm {
		if c.Cert != nil {
			out = append(out, c.Name+"="+c.Host)
		}
	}
	return out
}
