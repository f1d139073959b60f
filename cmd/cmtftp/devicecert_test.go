package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/storetest"
)

// certFile writes a self-signed certificate of key as PEM and returns its
// path and DER.
func certFile(t *testing.T, key crypto.Signer) (string, []byte) {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "CP-8841-SEP001122AABB02"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "phone.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p, der
}

// writePhoneCert writes an RSA phone certificate and returns its path.
func writePhoneCert(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := certFile(t, k)
	return p
}

// TestDeviceCertCommands: device cert set prints the MD5 certHash, show
// prints it and the PEM (the device named by its MAC too), delete removes
// it; an EC certificate and an unknown device are refused.
func TestDeviceCertCommands(t *testing.T) {
	db, k := certSite(t)
	path, der := certFile(t, k)
	sum := md5.Sum(der)
	hash := "certHash:  " + hex.EncodeToString(sum[:])
	if out, err := runCLI(t, "device", "cert", "set", "SEP001122AABB02", path, "--db", db); err != nil || !strings.Contains(out, hash) {
		t.Errorf("set: %v\n%s", err, out)
	}
	out, err := runCLI(t, "device", "cert", "show", "00:11:22:aa:bb:02", "--db", db)
	if err != nil || !strings.Contains(out, hash) || !strings.Contains(out, "-----BEGIN CERTIFICATE-----") || !strings.Contains(out, "key:       RSA 1024") {
		t.Errorf("show: %v\n%s", err, out)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPath, _ := certFile(t, ec)
	if _, err := runCLI(t, "device", "cert", "set", "SEP001122AABB02", ecPath, "--db", db); err == nil || !strings.Contains(err.Error(), "not RSA") {
		t.Errorf("EC certificate: %v", err)
	}
	if _, err := runCLI(t, "device", "cert", "set", "SEP0000DEADBEEF", path, "--db", db); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("unknown device: %v", err)
	}
	if _, err := runCLI(t, "device", "cert", "delete", "SEP001122AABB02", "--db", db); err != nil {
		t.Error(err)
	}
	if _, err := runCLI(t, "device", "cert", "show", "SEP001122AABB02", "--db", db); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("show after delete: %v", err)
	}
}

// certSite returns a keyed database holding storetest's site, and an RSA
// key for the certificates the cert commands are given.
func certSite(t *testing.T) (string, *rsa.PrivateKey) {
	t.Helper()
	db, _ := keysDB(t)
	st, err := sqlite.Open(context.Background(), strings.TrimPrefix(db, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(context.Background(), storetest.Site()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	return db, k
}
