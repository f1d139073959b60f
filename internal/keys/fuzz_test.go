package keys_test

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"testing"

	"cmtftp/internal/keys"
	"cmtftp/internal/store"
)

// FuzzParseDeviceCert: no input panics; what is taken parses again to
// itself.
func FuzzParseDeviceCert(f *testing.F) {
	f.Add(phoneCert(f))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	f.Add([]byte("-----BEGIN"))
	f.Fuzz(func(t *testing.T, data []byte) {
		der, err := keys.ParseDeviceCert(data)
		if err != nil {
			return
		}
		if again, err := keys.ParseDeviceCert(der); err != nil || string(again) != string(der) {
			t.Fatalf("taken once, then %v", err)
		}
	})
}

// FuzzUnseal: no sealed bytes panic Unseal, and none but the sealed key
// itself opens under its certificate.
func FuzzUnseal(f *testing.F) {
	priv, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		f.Fatal(err)
	}
	cert := selfSigned(f, "fuzz", priv)
	sealed, err := keys.Seal(secret, store.KeySAST, cert, priv)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sealed)
	f.Add(sealed[:20])
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := keys.Unseal(secret, store.KeySAST, cert, b)
		if err == nil && string(b) != string(sealed) {
			if !priv.Public().(*rsa.PublicKey).Equal(s.Public()) {
				t.Fatal("other bytes opened to another key")
			}
		}
	})
}

// FuzzParseServerCert: no input panics; what is taken parses again to
// itself, and what is refused is refused as ErrServerCert.
func FuzzParseServerCert(f *testing.F) {
	f.Add(phoneCert(f))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	f.Add([]byte{0x30, 0x82})
	f.Fuzz(func(t *testing.T, data []byte) {
		der, err := keys.ParseServerCert(data)
		if err != nil {
			if !errors.Is(err, keys.ErrServerCert) {
				t.Fatalf("refused with %v, not ErrServerCert", err)
			}
			return
		}
		if again, err := keys.ParseServerCert(der); err != nil || string(again) != string(der) {
			t.Fatalf("taken once, then %v", err)
		}
	})
}
