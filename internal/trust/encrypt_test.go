package trust

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestEncryptConfigRoundTrip: DecryptConfig with the phone's key returns
// exactly the plain XML, of every size around the AES block, and the file's
// signature verifies with the signer's key.
func TestEncryptConfigRoundTrip(t *testing.T) {
	k := loadKeys(t)
	phone := k.tftp // the phone's certificate and key
	for _, n := range []int{0, 1, 15, 16, 17, 8 << 10} {
		for _, hs := range []Hash{SHA512, SHA1} {
			t.Run(fmt.Sprintf("%d bytes, hash %d", n, hs), func(t *testing.T) {
				plain := bytes.Repeat([]byte("<device><x/></device>\n"), n/22+1)[:n]
				file, err := EncryptConfig("SEP001122AABBCC.cnf.xml.enc.sgn", plain, phone.Cert, k.sast, Options{Hash: hs, Time: time.Unix(1, 0)})
				if err != nil {
					t.Fatal(err)
				}
				h, got, err := DecryptConfig(file, phone.Key.(*rsa.PrivateKey))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, plain) {
					t.Fatalf("decrypted %d bytes, want exactly the %d plain bytes", len(got), n)
				}
				e := h.Encryption
				if h.Version != (Version{2, 0}) || h.Hash != hs || e.PlainHash != hs || e.PadCount != (16-n%16)%16 || len(file)-h.Length != n+e.PadCount {
					t.Errorf("version %v hash %d/%d pad %d, %d bytes of payload", h.Version, h.Hash, e.PlainHash, e.PadCount, len(file)-h.Length)
				}
				if n >= 16 && bytes.Contains(file[h.Length:], plain[:16]) {
					t.Error("the file holds the plaintext")
				}
				if err := Verify(file, k.sast.Cert.PublicKey); err != nil {
					t.Errorf("Verify: %v", err)
				}
			})
		}
	}
}

// TestDecryptConfigRejects: the wrong phone key, a tampered ciphertext or
// header, and files that are not encrypted configurations.
func TestDecryptConfigRejects(t *testing.T) {
	k := loadKeys(t)
	key := k.tftp.Key.(*rsa.PrivateKey)
	plain := bytes.Repeat([]byte("<device/>"), 10) // 90 bytes: 6 pad bytes
	file, err := EncryptConfig("SEP001122AABBCC.cnf.xml.enc.sgn", plain, k.tftp.Cert, k.sast, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, _, err := ParseHeader(file)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(at int) []byte { f := bytes.Clone(file); f[at] ^= 1; return f }
	signed, err := Sign("SEP001122AABBCC.cnf.xml.sgn", plain, k.sast, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		file []byte
		key  *rsa.PrivateKey
		want error
	}{
		{"wrong phone key", file, k.sast2.Key.(*rsa.PrivateKey), ErrKey},
		{"no key", file, nil, ErrKey},
		{"last ciphertext byte (padding)", flip(len(file) - 1), key, ErrSignature},
		{"first ciphertext byte", flip(h.Length), key, ErrSignature},
		{"IV byte", flip(bytes.Index(file, h.Encryption.IV)), key, ErrSignature},
		{"plaintext hash byte", flip(bytes.Index(file, h.Encryption.PlainDigest)), key, ErrSignature},
		{"encrypted key byte", flip(bytes.Index(file, h.Encryption.EncryptedKey) + 100), key, ErrKey},
		{"ciphertext cut by one block", file[:len(file)-16], key, ErrSignature},
		{"ciphertext cut by one byte", file[:len(file)-1], key, ErrMalformed},
		{"a signed file", signed, key, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, got, err := DecryptConfig(c.file, c.key); !errors.Is(err, c.want) || got != nil {
				t.Errorf("DecryptConfig = %d bytes, %v; want %v", len(got), err, c.want)
			}
		})
	}
	if _, _, err := DecryptConfig(file, key); err != nil {
		t.Errorf("the file as built: %v", err)
	}
	if err := Verify(flip(len(file)-1), k.sast.Cert.PublicKey); !errors.Is(err, ErrSignature) {
		t.Errorf("Verify of a tampered ciphertext = %v, want ErrSignature", err)
	}
}

// TestEncryptConfigRefuses: a phone certificate without an RSA key, a
// version other than 2.0, a hash the builder does not write.
func TestEncryptConfigRefuses(t *testing.T) {
	k := loadKeys(t)
	if _, ok := k.ec.PublicKey.(*ecdsa.PublicKey); !ok {
		t.Fatal("the EC test certificate is not EC")
	}
	cases := []struct {
		name  string
		phone *x509.Certificate
		o     Options
		want  error
	}{
		{"EC phone certificate", k.ec, Options{}, ErrKey},
		{"no phone certificate", nil, Options{}, ErrKey},
		{"version 1.0", k.tftp.Cert, Options{Version: Version{1, 0}}, ErrMalformed},
		{"SHA-256", k.tftp.Cert, Options{Hash: SHA256}, ErrKey},
		{"signer without key", k.tftp.Cert, Options{}, ErrKey},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := k.sast
			if c.name == "signer without key" {
				s.Key = nil
			}
			if f, err := EncryptConfig("x.cnf.xml.enc.sgn", []byte("<device/>"), c.phone, s, c.o); !errors.Is(err, c.want) || f != nil {
				t.Errorf("EncryptConfig = %d bytes, %v; want %v", len(f), err, c.want)
			}
		})
	}
}
