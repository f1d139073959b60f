package device_test

import (
	"bytes"
	"crypto/rsa"
	"strings"
	"testing"

	"cmtftp/internal/device"
	"cmtftp/internal/trust"
)

// encryptedStub is the signed configuration of a phone whose real one is
// encrypted (spec §11.3).
const encryptedStub = `<device><fullConfig>false</fullConfig><ipAddressMode>0</ipAddressMode><capfAuthMode>0</capfAuthMode>
<certHash>0123456789abcdef0123456789abcdef</certHash><encrConfig>true</encrConfig></device>`

// TestEncryptedConfig: a stub sends the phone to SEP<MAC>.cnf.xml.enc.sgn,
// which it decrypts with its key to exactly the configuration; without a
// key, with another key, or tampered, the boot fails saying so.
func TestEncryptedConfig(t *testing.T) {
	k := loadSecureKeys(t)
	fs, _ := secureServer(t, k)
	cnf, enc := "SEP"+secureMAC+".cnf.xml.sgn", "SEP"+secureMAC+".cnf.xml.enc.sgn"
	fs.set(cnf, sign(t, cnf, []byte(encryptedStub), k.tftp))
	good, err := trust.EncryptConfig(enc, []byte(secureConfig), k.phone.Cert, k.tftp, trust.Options{})
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := trust.EncryptConfig(enc, []byte(secureConfig), k.phone.Cert, k.foreign, trust.Options{})
	if err != nil {
		t.Fatal(err)
	}
	phoneKey := k.phone.Key.(*rsa.PrivateKey)
	tampered := bytes.Clone(good)
	tampered[len(tampered)-1] ^= 1
	for _, tc := range []struct {
		name   string
		file   []byte
		key    *rsa.PrivateKey
		cause  device.Cause
		detail string
	}{
		{"decrypted", good, phoneKey, "", ""},
		{"no phone key", good, nil, device.CauseEncrypted, "encrypted configuration: no phone key"},
		{"another key", good, k.foreign.Key.(*rsa.PrivateKey), device.CauseEncrypted, "cannot decrypt"},
		{"tampered", tampered, phoneKey, device.CauseSignature, "bad signature"},
		{"foreign signer", foreign, phoneKey, device.CauseSignature, "not in the trust list"},
		{"missing", nil, phoneKey, device.CauseNoConfig, "not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs.set(enc, tc.file)
			r := secureBoot(t, fs, device.Config{PhoneKey: tc.key})
			names := r.Names()
			if len(names) < 4 || names[2] != cnf || names[3] != enc {
				t.Fatalf("asked for %q, want the stub then %s", names, enc)
			}
			if tc.cause != "" {
				if r.OK() || r.Cause != tc.cause || !strings.HasPrefix(r.Detail, enc) || !strings.Contains(r.Detail, tc.detail) {
					t.Fatalf("%s %s: %q, want %s saying %q", r.Outcome, r.Cause, r.Detail, tc.cause, tc.detail)
				}
				return
			}
			if !r.OK() || r.Config != enc || len(r.CallManagers) != 1 || r.DialTemplate != "DRlab.xml" || r.Steps[3].Signed == nil {
				t.Fatalf("%s %s: %s; config %q, call control %+v\n%s", r.Outcome, r.Cause, r.Detail, r.Config, r.CallManagers, text(r))
			}
			if !strings.HasPrefix(r.Steps[3].Note, "decrypted: <device>: 1 call manager") {
				t.Errorf("note %q", r.Steps[3].Note)
			}
		})
	}
}
