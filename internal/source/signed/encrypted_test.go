package signed

import (
	"context"
	"crypto/md5"
	"crypto/x509"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"strings"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
	"cmtftp/internal/trust"
)

// stubRead is what a phone reads from the stub.
type stubRead struct {
	FullConfig string    `xml:"fullConfig"`
	CertHash   string    `xml:"certHash"`
	EncrConfig string    `xml:"encrConfig"`
	Load       string    `xml:"loadInformation"`
	Lines      *struct{} `xml:"sipProfile"`
	Pool       *struct{} `xml:"devicePool"`
}

// TestEncryptedDevice: an encrypted device without a certificate is busy
// (logged once) for the .sgn and the .enc.sgn and refused its plain
// configuration; once its certificate is uploaded (a device change), the
// .sgn is the signed stub with the certificate's MD5 and the .enc.sgn
// decrypts with the phone's key to exactly the full configuration,
// encrypted once.
func TestEncryptedDevice(t *testing.T) {
	full := deviceXML(t, "3")
	r := newRig(t, map[string]string{"SEP0000DE000009.cnf.xml": full})
	const dev = "SEP0000DE000009"
	for _, name := range []string{dev + ".cnf.xml.sgn", dev + ".cnf.xml.enc.sgn", dev + ".cnf.xml.sgn"} {
		if _, _, err := r.get(t, name, source.TFTP); !errors.Is(err, source.ErrBusy) {
			t.Errorf("%s without a certificate: %v, want busy", name, err)
		}
	}
	for _, proto := range []source.Protocol{source.TFTP, source.HTTP} {
		if _, _, err := r.get(t, dev+".cnf.xml", proto); !errors.Is(err, source.ErrDenied) {
			t.Errorf("plain configuration over %s: %v, want denied", proto, err)
		}
	}
	if n := strings.Count(r.logs(), "is encrypted but has no certificate: cmtftp device cert set "+dev); n != 1 {
		t.Errorf("%d log lines about the missing certificate, want 1:\n%s", n, r.logs())
	}
	if n := strings.Count(r.logs(), "device "+dev+" is encrypted: its configuration in clear is refused"); n != 1 {
		t.Errorf("%d log lines about the refused configuration, want 1:\n%s", n, r.logs())
	}

	r.certs.Store(keys.phone.Cert)
	r.step.HandleChange(context.Background(), store.Change{Kind: domain.KindDevice, Key: dev, Op: store.OpUpdate})
	file, f, err := r.get(t, dev+".cnf.xml.sgn", source.TFTP)
	if err != nil {
		t.Fatal(err)
	}
	var stub stubRead
	if err := xml.Unmarshal(verified(t, file, keys.tftp1, dev+".cnf.xml.sgn"), &stub); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(keys.phone.Cert.Raw)
	if stub.FullConfig != "false" || stub.EncrConfig != "true" || stub.CertHash != hex.EncodeToString(sum[:]) ||
		stub.Load == "" || stub.Pool != nil || source.SignerOf(f) != "tftp#1" {
		t.Errorf("stub %+v (signer %q)", stub, source.SignerOf(f))
	}

	enc := r.mustGet(t, dev+".cnf.xml.enc.sgn")
	if err := trust.Verify(enc, keys.tftp1.Cert.PublicKey); err != nil {
		t.Fatalf("the .enc.sgn does not verify: %v", err)
	}
	h, plain, err := trust.DecryptConfig(enc, keys.phoneKey)
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != full || h.Filename != dev+".cnf.xml.enc.sgn" {
		t.Errorf("decrypts to %d bytes named %q, want the %d of the full configuration", len(plain), h.Filename, len(full))
	}
	if again := r.mustGet(t, dev+".cnf.xml.enc.sgn"); string(again) != string(enc) {
		t.Error("encrypted again for the same content")
	}
	r.mem.set(dev+".cnf.xml", strings.Replace(full, "<idleTimeout", "<!-- changed --><idleTimeout", 1))
	if _, plain, _ := trust.DecryptConfig(r.mustGet(t, dev+".cnf.xml.enc.sgn"), keys.phoneKey); !strings.Contains(string(plain), "changed") {
		t.Error("a changed configuration was served encrypted as before")
	}
	if _, _, err := r.get(t, dev+".cnf.xml", source.TFTP); !errors.Is(err, source.ErrDenied) {
		t.Errorf("plain configuration with a certificate: %v, want denied", err)
	}
}

// TestNotEncryptedDevice: a device whose configuration is not encrypted
// gets its signed configuration and its plain one, and no .enc.sgn.
func TestNotEncryptedDevice(t *testing.T) {
	full := deviceXML(t, "2")
	r := newRig(t, map[string]string{"SEP0000DE000001.cnf.xml": full})
	if got := verified(t, r.mustGet(t, "SEP0000DE000001.cnf.xml.sgn"), keys.tftp1, "SEP0000DE000001.cnf.xml.sgn"); string(got) != full {
		t.Error("the signed configuration is not the full one")
	}
	if got := r.mustGet(t, "SEP0000DE000001.cnf.xml"); string(got) != full {
		t.Error("the plain configuration is refused")
	}
	if _, _, err := r.get(t, "SEP0000DE000001.cnf.xml.enc.sgn", source.TFTP); !errors.Is(err, source.ErrNotFound) {
		t.Errorf(".enc.sgn of a device not encrypted: %v, want not found", err)
	}
}

// TestCertificateError: a certificate store that fails is busy, not
// "no certificate", and is asked again on the next request.
func TestCertificateError(t *testing.T) {
	r := newRig(t, map[string]string{"SEP0000DE000009.cnf.xml": deviceXML(t, "3")})
	st := r.mixed(keys.tftp1, "tftp#1")
	calls := 0
	st.DeviceCert = func(context.Context, string) (*x509.Certificate, error) {
		calls++
		return nil, errors.New("database down")
	}
	r.state.Store(st)
	for range 2 {
		if _, _, err := r.get(t, "SEP0000DE000009.cnf.xml.sgn", source.TFTP); !errors.Is(err, source.ErrBusy) {
			t.Errorf("failing certificate store: %v, want busy", err)
		}
	}
	if calls != 2 || !strings.Contains(r.logs(), "database down") {
		t.Errorf("%d calls; logs:\n%s", calls, r.logs())
	}
}

// TestEncryptedStates: the mode field is read as the renderer writes it
// and with spaces around the value; other modes are not encrypted.
func TestEncryptedStates(t *testing.T) {
	cases := map[string]bool{
		"<deviceSecurityMode>3</deviceSecurityMode>":     true,
		"<deviceSecurityMode> 3\n</deviceSecurityMode>":  true,
		"<deviceSecurityMode>1</deviceSecurityMode>":     false,
		"<deviceSecurityMode>33</deviceSecurityMode>":    false,
		"<deviceSecurityMode>3":                          false,
		"<device><encrConfig>true</encrConfig></device>": false,
	}
	for in, want := range cases {
		if got := encryptedConfig([]byte(in)); got != want {
			t.Errorf("encryptedConfig(%q) = %v", in, got)
		}
	}
}
