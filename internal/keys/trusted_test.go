package keys_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/keys"
	"cmtftp/internal/store"
	"cmtftp/internal/trust"
)

// TestTrustedCertificate: another cluster's TFTP certificate, imported,
// is a TFTP record of this cluster's lists, so a file that cluster signed
// verifies under this cluster's list; a rotation keeps it, Untrust takes
// it out; an EC certificate, one of this cluster's own, a second import
// and an import before keys init are refused.
func TestTrustedCertificate(t *testing.T) {
	ctx := context.Background()
	m, r := openStore(t), openStore(t)
	if _, err := keys.Trust(ctx, m, []byte("x")); err == nil {
		t.Error("import of garbage accepted")
	}
	rk, err := keys.Init(ctx, r, secret, fast)
	if err != nil {
		t.Fatal(err)
	}
	rPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rk.TFTP().Cert.Raw})
	if _, err := keys.Trust(ctx, m, rPEM); !errors.Is(err, keys.ErrNoKeys) {
		t.Errorf("import before keys init: %v, want ErrNoKeys", err)
	}
	mk, err := keys.Init(ctx, m, secret, fast)
	if err != nil {
		t.Fatal(err)
	}
	added, err := keys.Trust(ctx, m, rPEM)
	if err != nil || added.Role != store.KeyTrusted {
		t.Fatalf("import: %+v, %v", added, err)
	}
	for name, data := range map[string][]byte{"twice": rPEM, "own": mk.TFTP().Cert.Raw, "EC": ecCert(t)} {
		if _, err := keys.Trust(ctx, m, data); !errors.Is(err, keys.ErrTrusted) {
			t.Errorf("import %s: %v, want ErrTrusted", name, err)
		}
	}
	rSigned, err := trust.Sign("SEP0011EE000001.cnf.xml.sgn", []byte("<device/>"), rk.TFTP(), trust.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkTrusted(t, m, rSigned, true)
	if _, err := keys.Rotate(ctx, m, secret, keys.Options{}); err != nil {
		t.Fatal(err)
	}
	checkTrusted(t, m, rSigned, true)
	if err := keys.Untrust(ctx, m, added.ID); err != nil {
		t.Fatal(err)
	}
	checkTrusted(t, m, rSigned, false)
	if err := keys.Untrust(ctx, m, added.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("second untrust: %v, want not found", err)
	}
}

// checkTrusted: this cluster's ITL verifies, and the other cluster's
// signed file verifies under it exactly when want.
func checkTrusted(t *testing.T, ks store.KeyStore, signed []byte, want bool) {
	t.Helper()
	k, err := keys.Load(context.Background(), ks, secret)
	if err != nil {
		t.Fatal(err)
	}
	itl, err := k.TrustList("ITLFile.tlv", false, 0, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, recs, err := trust.VerifyTrustList(itl, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, payload, err := trust.VerifySigned(signed, recs)
	if got := err == nil && bytes.Equal(payload, []byte("<device/>")); got != want {
		t.Errorf("the other cluster's file verifies under this list: %v (%v), want %v", got, err, want)
	}
	if _, _, err := trust.VerifySigned(mustSign(t, k), recs); err != nil {
		t.Errorf("this cluster's own file: %v", err)
	}
}

func mustSign(t *testing.T, k *keys.Keyring) []byte {
	t.Helper()
	b, err := trust.Sign("RingList.xml.sgn", []byte("<CiscoIPPhoneRingList/>"), k.TFTP(), trust.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ecCert is a self-signed EC certificate (DER).
func ecCert(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: "ec"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestTrustRefusesOversize: importing other clusters' certificates one
// by one stops, with trust.ErrTooLarge naming the size, at the first that
// would take a list over 64 KiB; the lists of those accepted still build.
func TestTrustRefusesOversize(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	if _, err := keys.Init(ctx, s, secret, keys.Options{TFTPNames: []string{"localhost"}}); err != nil {
		t.Fatal(err)
	}
	accepted := 0
	var err error
	for _, c := range ccmCerts(t, 45, 2048) {
		if _, err = keys.Trust(ctx, s, c.Cert.Raw); err != nil {
			break
		}
		accepted++
	}
	if !errors.Is(err, trust.ErrTooLarge) || !strings.Contains(err.Error(), "bytes") || accepted < 20 || accepted >= 45 {
		t.Fatalf("after %d accepted: %v, want ErrTooLarge naming the size", accepted, err)
	}
	k, err := keys.Load(ctx, s, secret)
	if err != nil {
		t.Fatal(err)
	}
	for _, ctl := range []bool{false, true} {
		list, err := k.TrustList("ext_ITLSEP001122AABBCC.tlv", ctl, 0, time.Now(), nil)
		if err != nil || len(list) > trust.MaxTrustListSize {
			t.Errorf("with %d trusted (ctl %v): %d bytes, %v", accepted, ctl, len(list), err)
		}
	}
}

// TestTrustedUnreadable: a trusted row that is no certificate (written by
// plain SQL) is left out and named; the keys still load and sign.
func TestTrustedUnreadable(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	if _, err := keys.Init(ctx, s, secret, fast); err != nil {
		t.Fatal(err)
	}
	active, err := s.Keys(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{active[0].ID, active[1].ID}
	if _, err := s.RotateKeys(ctx, ids, []store.Key{{Role: store.KeyTrusted, Cert: []byte("not DER"), Sealed: []byte{}}}, nil); err != nil {
		t.Fatal(err)
	}
	k, err := keys.Load(ctx, s, secret)
	if err != nil {
		t.Fatal(err)
	}
	if k.LeftOut() == nil || !strings.Contains(k.LeftOut().Error(), "left out") {
		t.Fatalf("left out: %v", k.LeftOut())
	}
	if _, err := k.TrustList("ITLFile.tlv", false, 0, time.Now(), nil); err != nil {
		t.Errorf("the list without it: %v", err)
	}
}
