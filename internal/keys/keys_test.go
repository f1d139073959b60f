package keys_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/keys"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/trust"
)

var (
	secret = []byte("0123456789abcdef-test-secret")
	other  = []byte("fedcba9876543210-other-secret")
	// fast are the options of tests that do not look at the key size.
	fast = keys.Options{Bits: 1024, TFTPNames: []string{"tftp.example.net", "localhost", "127.0.0.1"}, Org: "Example"}
)

// openStore opens a new SQLite file store, closed when the test ends.
func openStore(t *testing.T) *sqlstore.DB {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "keys.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestInit: Init makes one SAST and one TFTP key of the options asked
// (RSA 2048 by default), signer version 1.0; a second Init is refused and
// writes nothing.
func TestInit(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	k, err := keys.Init(ctx, s, secret, keys.Options{TFTPNames: []string{"tftp.example.net", "10.0.0.5"}, Org: "Example", OrgUnit: "Voice"})
	if err != nil {
		t.Fatal(err)
	}
	sast, tftp := k.ListSigner().Cert, k.TFTP().Cert
	if got := fmt.Sprintf("%s|%s|%v", sast.Subject, keyOf(sast), sast.IsCA); got != "CN=cmtftp SAST 1,OU=Voice,O=Example|RSA 2048|true" {
		t.Errorf("SAST %s", got)
	}
	if sast.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageDigitalSignature {
		t.Errorf("SAST key usage %v", sast.KeyUsage)
	}
	if got := fmt.Sprintf("%s|%v|%v|%v", tftp.Subject, tftp.DNSNames, tftp.IPAddresses, tftp.ExtKeyUsage); got != "CN=tftp.example.net,OU=Voice,O=Example|[tftp.example.net]|[10.0.0.5]|[serverAuth]" {
		t.Errorf("TFTP %s", got)
	}
	if years := tftp.NotAfter.Sub(tftp.NotBefore).Hours() / 24 / 365; years < 9.9 || years > 10.1 {
		t.Errorf("valid %.1f years", years)
	}
	if len(sast.SerialNumber.Bytes()) < 14 || sast.SerialNumber.Cmp(tftp.SerialNumber) == 0 {
		t.Errorf("serials %x %x", sast.SerialNumber, tftp.SerialNumber)
	}
	if v := k.SignerVersion(); v != (trust.Version{Major: 1, Minor: 0}) {
		t.Errorf("signer version %v", v)
	}
	if _, err := keys.Init(ctx, s, secret, fast); !errors.Is(err, keys.ErrKeysExist) {
		t.Errorf("second init: %v, want ErrKeysExist", err)
	}
	if all, _ := s.Keys(ctx, true); len(all) != 2 {
		t.Errorf("%d keys after the refused init", len(all))
	}
}

// keyOf names a certificate's key as keys.Describe does.
func keyOf(c *x509.Certificate) string {
	i, err := keys.Describe(c.Raw)
	if err != nil {
		return err.Error()
	}
	return i.Key
}

// TestRotateRollover: after init and each of three rotations the ITL
// holds the active SASTs (at most two) and the TFTP key, is signed by the
// oldest active SAST, and — from the first rotation on — verifies under a
// SAST of the list before (its signer's serial is among that list's SAST
// records, and the record's key checks the signature), as a phone that
// installed the list before checks it. Retired keys stay stored.
func TestRotateRollover(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	k, err := keys.Init(ctx, s, secret, fast)
	if err != nil {
		t.Fatal(err)
	}
	wantSASTs := [][]string{{"1"}, {"1", "2"}, {"2", "3"}, {"3", "4"}}
	var prev []byte
	for round, want := range wantSASTs {
		if round > 0 {
			if k, err = keys.Rotate(ctx, s, secret, keys.Options{}); err != nil {
				t.Fatal(err)
			}
		}
		list, err := k.TrustList("ITLFile.tlv", false, trust.SHA512, time.Now(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := sastNumbers(t, list); !slices.Equal(got, want) {
			t.Errorf("round %d: SASTs %v, want %v", round, got, want)
		}
		if err := trust.Verify(list, k.ListSigner().Cert.PublicKey); err != nil {
			t.Errorf("round %d: %v", round, err)
		}
		if prev != nil {
			checkSignedByPrevious(t, round, prev, list)
		}
		prev = list
	}
	all, err := s.Keys(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	var retired []string
	for _, key := range all {
		retired = append(retired, fmt.Sprintf("%s%v", key.Role, key.Retired))
	}
	want := []string{"sasttrue", "tftptrue", "sasttrue", "tftptrue", "sastfalse", "tftptrue", "sastfalse", "tftpfalse"}
	if !slices.Equal(retired, want) {
		t.Errorf("keys after three rotations %v, want %v", retired, want)
	}
}

// sastNumbers returns the n of the "cmtftp SAST n" records of list, and
// checks that it holds one TFTP record besides.
func sastNumbers(t *testing.T, list []byte) []string {
	t.Helper()
	_, recs, err := trust.ParseTrustList(list)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	tftp := 0
	for _, r := range recs {
		switch r.Role {
		case trust.RoleSAST:
			n, _, _ := strings.Cut(strings.TrimPrefix(r.Subject, "CN=cmtftp SAST "), ",")
			out = append(out, n)
		case trust.RoleTFTP:
			tftp++
		}
	}
	if tftp != 1 || len(recs) != len(out)+1 {
		t.Errorf("%d records, %d TFTP", len(recs), tftp)
	}
	return out
}

// checkSignedByPrevious checks list as a phone holding prev does: its
// signer is a SAST record of prev, whose key verifies it.
func checkSignedByPrevious(t *testing.T, round int, prev, list []byte) {
	t.Helper()
	h, _, err := trust.ParseTrustList(list)
	if err != nil {
		t.Fatal(err)
	}
	_, recs, err := trust.ParseTrustList(prev)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Role != trust.RoleSAST || !bytes.Equal(r.Serial, h.Serial) {
			continue
		}
		c, err := x509.ParseCertificate(r.Certificate)
		if err != nil {
			t.Fatal(err)
		}
		if err := trust.Verify(list, c.PublicKey); err != nil {
			t.Errorf("round %d: the list does not verify under %s of the list before: %v", round, r.Subject, err)
		}
		return
	}
	t.Errorf("round %d: signer %s (serial %x) is not a SAST of the list before", round, h.SignerName, h.Serial)
}

// TestWrongSecret: keys sealed under one secret do not load or rotate
// under another (ErrWrongSecret), and a refused rotation writes nothing.
func TestWrongSecret(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	if _, err := keys.Init(ctx, s, secret, fast); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Load(ctx, s, other); !errors.Is(err, keys.ErrWrongSecret) {
		t.Errorf("load: %v, want ErrWrongSecret", err)
	}
	if _, err := keys.Rotate(ctx, s, other, fast); !errors.Is(err, keys.ErrWrongSecret) {
		t.Errorf("rotate: %v, want ErrWrongSecret", err)
	}
	if all, _ := s.Keys(ctx, true); len(all) != 2 {
		t.Errorf("%d keys after the refused rotation", len(all))
	}
	if _, err := keys.Load(ctx, openStore(t), secret); !errors.Is(err, keys.ErrNoKeys) {
		t.Errorf("load of no keys: %v, want ErrNoKeys", err)
	}
}

// TestSealBinding: a sealed key moved onto another certificate (in the
// database, or given to Unseal), or opened as another role, is refused
// with ErrSealMismatch, not mistaken for a wrong secret.
func TestSealBinding(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	k, err := keys.Init(ctx, s, secret, fast)
	if err != nil {
		t.Fatal(err)
	}
	ks := k.Keys()
	sast, tftp := ks[0], ks[1]
	for _, tc := range []struct {
		name   string
		role   store.KeyRole
		cert   []byte
		sealed []byte
	}{
		{"as stored", store.KeySAST, sast.Cert, sast.Sealed},
		{"other certificate", store.KeySAST, tftp.Cert, sast.Sealed},
		{"other role", store.KeyTFTP, sast.Cert, sast.Sealed},
		{"damaged", store.KeySAST, sast.Cert, append(slices.Clone(sast.Sealed[:len(sast.Sealed)-1]), sast.Sealed[len(sast.Sealed)-1]^1)},
		{"empty", store.KeySAST, sast.Cert, nil},
	} {
		_, err := keys.Unseal(secret, tc.role, tc.cert, tc.sealed)
		if wantOK := tc.name == "as stored"; (err == nil) != wantOK || !wantOK && !errors.Is(err, keys.ErrSealMismatch) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if _, err := s.SQL().ExecContext(ctx, "UPDATE signing_keys SET sealed = ? WHERE id = ?", sast.Sealed, tftp.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Load(ctx, s, secret); !errors.Is(err, keys.ErrSealMismatch) {
		t.Errorf("load with the SAST's sealed key on the TFTP certificate: %v, want ErrSealMismatch", err)
	}
}

// TestECHTTPSKey: Init with an EC HTTPS key makes a third key; the ITL
// holds the SAST, the RSA TFTP record and the EC TFTP record, verifies as a
// phone checks it, at signer version 1.1; the .sgn signer is the RSA TFTP
// key (a file it signs verifies under the list; the EC key cannot sign
// one). A rotation keeps the EC key (the next list verifies under the one
// before); one asked for RSA drops it, back to signer version 1.0.
func TestECHTTPSKey(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	o := fast
	o.HTTPSKey = keys.EC
	k, err := keys.Init(ctx, s, secret, o)
	if err != nil {
		t.Fatal(err)
	}
	var prev []trust.Record
	for round := range 2 {
		if round > 0 {
			if k, err = keys.Rotate(ctx, s, secret, keys.Options{}); err != nil {
				t.Fatal(err)
			}
		}
		prev = checkECList(t, round, k, prev)
	}
	if k, err = keys.Rotate(ctx, s, secret, keys.Options{HTTPSKey: keys.RSA}); err != nil {
		t.Fatal(err)
	}
	if _, ok := k.HTTPS(); ok || k.SignerVersion() != (trust.Version{Major: 1, Minor: 0}) || keyOf(k.TFTPCertificate().Leaf) != "RSA 1024" {
		t.Errorf("after a rotation to RSA: HTTPS key %v, signer version %v, HTTPS %s", ok, k.SignerVersion(), keyOf(k.TFTPCertificate().Leaf))
	}
	list, err := k.TrustList("ITLFile.tlv", false, 0, time.Time{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := trust.VerifyTrustList(list, prev); err != nil {
		t.Errorf("the RSA-only list under the EC one before: %v", err)
	}
}

// checkECList checks round's keyring of TestECHTTPSKey and its ITL, which
// must verify under the records prev of the list before (none at first),
// and returns the ITL's records.
func checkECList(t *testing.T, round int, k *keys.Keyring, prev []trust.Record) []trust.Record {
	t.Helper()
	https, ok := k.HTTPS()
	if !ok || keyOf(https.Cert) != "EC P-256" || keyOf(k.TFTP().Cert) != "RSA 1024" || k.TFTPCertificate().Leaf != https.Cert {
		t.Fatalf("round %d: HTTPS key %v %s, TFTP key %s, HTTPS serves %s", round, ok, keyOf(https.Cert), keyOf(k.TFTP().Cert), keyOf(k.TFTPCertificate().Leaf))
	}
	if v := k.SignerVersion(); v != (trust.Version{Major: 1, Minor: 1}) {
		t.Errorf("round %d: signer version %v, want 1.1", round, v)
	}
	list, err := k.TrustList("ITLFile.tlv", false, trust.SHA1, time.Time{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, recs, err := trust.VerifyTrustList(list, prev)
	if err != nil {
		t.Fatalf("round %d: %v", round, err)
	}
	if h.SignerVersion == nil || *h.SignerVersion != (trust.Version{Major: 1, Minor: 1}) || h.Hash != trust.SHA1 {
		t.Errorf("round %d: header %+v", round, h)
	}
	var got []string
	for _, r := range recs {
		got = append(got, fmt.Sprintf("%d/%d", r.Role, len(r.PublicKey)))
	}
	want := map[int][]string{0: {"0/140", "3/140", "3/65"}, 1: {"0/140", "0/140", "3/140", "3/65"}}[round]
	if !slices.Equal(got, want) { // role/key bytes: SAST, RSA 1024 (DER), P-256 point
		t.Errorf("round %d: records %v, want %v", round, got, want)
	}
	checkSgnSigner(t, k, recs)
	return recs
}

// checkSgnSigner: a file signed with the keyring's TFTP key verifies under
// the list's records; the EC HTTPS key cannot sign one.
func checkSgnSigner(t *testing.T, k *keys.Keyring, recs []trust.Record) {
	t.Helper()
	sgn, err := trust.Sign("SEP0000DE000001.cnf.xml", []byte("<device/>"), k.TFTP(), trust.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := trust.VerifySigned(sgn, recs); err != nil {
		t.Errorf("a file signed by the TFTP key: %v", err)
	}
	https, _ := k.HTTPS()
	if _, err := trust.Sign("x.cnf.xml", []byte("x"), https, trust.Options{}); !errors.Is(err, trust.ErrKey) {
		t.Errorf("signing with the EC key: %v, want ErrKey", err)
	}
}

// TestCTL: the CTL's TFTP record names the TFTP certificate's first DNS
// name; the ITL's names none.
func TestCTL(t *testing.T) {
	k, err := keys.Init(context.Background(), openStore(t), secret, fast)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ctl  bool
		want string
	}{{false, ""}, {true, "tftp.example.net"}} {
		list, err := k.TrustList("CTLFile.tlv", tc.ctl, 0, time.Now(), nil)
		if err != nil {
			t.Fatal(err)
		}
		_, recs, err := trust.ParseTrustList(list)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if want := map[bool]string{true: tc.want}[r.Role == trust.RoleTFTP]; r.DNSName != want {
				t.Errorf("ctl %v: role %d DNS name %q, want %q", tc.ctl, r.Role, r.DNSName, want)
			}
		}
	}
}

// TestOptionsRefused: key sizes and types phones do not take in a trust
// list are refused before anything is made.
func TestOptionsRefused(t *testing.T) {
	s := openStore(t)
	for _, o := range []keys.Options{{Bits: 4096}, {Bits: 512}, {HTTPSKey: "ed25519"}} {
		if _, err := keys.Init(context.Background(), s, secret, o); !errors.Is(err, keys.ErrOption) {
			t.Errorf("%+v: %v, want ErrOption", o, err)
		}
	}
	if _, err := keys.Init(context.Background(), s, []byte("short"), fast); !errors.Is(err, keys.ErrNoSecret) {
		t.Errorf("short secret: %v, want ErrNoSecret", err)
	}
}

// TestRotateHeals: three active SASTs (a database edited by hand) make
// the lists fail with ErrTooManySAST; the next rotation keeps the oldest of
// them, which signed the list before and signs the next, and adds one.
func TestRotateHeals(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	if _, err := keys.Init(ctx, s, secret, fast); err != nil {
		t.Fatal(err)
	}
	k, err := keys.Rotate(ctx, s, secret, keys.Options{})
	if err != nil {
		t.Fatal(err)
	}
	before, err := k.TrustList("ITLFile.tlv", false, 0, time.Time{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sast2 := k.Keys()[1]
	if _, err := s.SQL().ExecContext(ctx, "INSERT INTO signing_keys (role, cert, sealed, created, retired) VALUES ('sast', ?, ?, 0, 0)", sast2.Cert, sast2.Sealed); err != nil {
		t.Fatal(err)
	}
	if k, err = keys.Load(ctx, s, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := k.TrustList("ITLFile.tlv", false, 0, time.Time{}, nil); !errors.Is(err, trust.ErrTooManySAST) {
		t.Errorf("three SASTs: %v, want ErrTooManySAST", err)
	}
	if k, err = keys.Rotate(ctx, s, secret, keys.Options{}); err != nil {
		t.Fatal(err)
	}
	list, err := k.TrustList("ITLFile.tlv", false, 0, time.Time{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := sastNumbers(t, list); !slices.Equal(got, []string{"1", "4"}) { // the copy of 2 counted as the third
		t.Errorf("SASTs %v, want 1 and 4", got)
	}
	checkSignedByPrevious(t, 2, before, list)
}
