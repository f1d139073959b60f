package trust

import (
	"bytes"
	"testing"
	"time"
)

// BenchmarkSign8K signs one 8 KB configuration (RSA 2048, SHA-512).
func BenchmarkSign8K(b *testing.B) {
	k := loadKeys(b)
	payload := bytes.Repeat([]byte("<x/>"), 2048)
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if _, err := Sign("SEP001122AABBCC.cnf.xml.sgn", payload, k.tftp, Options{Time: time.Unix(1, 0)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildTrustList builds and signs a 10-record ITL.
func BenchmarkBuildTrustList(b *testing.B) {
	k := loadKeys(b)
	entries := []Entry{{Role: RoleSAST, Cert: k.sast.Cert}, {Role: RoleSAST, Cert: k.sast2.Cert}}
	for len(entries) < 10 {
		entries = append(entries, Entry{Role: RoleCCMTFTP, Cert: k.tftp.Cert})
	}
	for b.Loop() {
		if _, err := BuildTrustList("ITLFile.tlv", entries, k.sast, TrustListOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify8K verifies one signed 8 KB configuration, as a phone does.
func BenchmarkVerify8K(b *testing.B) {
	k := loadKeys(b)
	file, err := Sign("SEP001122AABBCC.cnf.xml.sgn", bytes.Repeat([]byte("<x/>"), 2048), k.tftp, Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := Verify(file, k.tftp.Cert.PublicKey); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncryptConfig8KB encrypts and signs one 8 KB configuration
// (AES-128 key to an RSA 2048 phone certificate, RSA 2048 / SHA-512).
func BenchmarkEncryptConfig8KB(b *testing.B) {
	k := loadKeys(b)
	payload := bytes.Repeat([]byte("<x/>"), 2048)
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if _, err := EncryptConfig("SEP001122AABBCC.cnf.xml.enc.sgn", payload, k.tftp.Cert, k.sast, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
