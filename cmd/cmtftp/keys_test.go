package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"cmtftp/internal/admin"
	"cmtftp/internal/keys"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/storetest"
	"cmtftp/internal/trust"
)

// runCLI runs "cmtftp ARGS…" on a new command tree and returns what it
// printed.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

// keysDB returns a new database path (sqlite:…) and a secret file, with
// the keys' environment variables cleared.
func keysDB(t *testing.T) (db, secretFile string) {
	t.Helper()
	t.Setenv(keys.EnvSecret, "")
	t.Setenv(keys.EnvSecretFile, "")
	dir := t.TempDir()
	secretFile = filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte("a secret of the operator's\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return "sqlite:" + filepath.Join(dir, "cmtftp.db"), secretFile
}

var fingerprintRE = regexp.MustCompile(`^([0-9A-F]{2}:){19}([0-9A-F]{2}|([0-9A-F]{2}:){12}[0-9A-F]{2})$`)

// fingerprints counts the SHA-1 and SHA-256 fingerprints in out.
func fingerprints(out string) int {
	n := 0
	for _, f := range strings.Fields(out) {
		if fingerprintRE.MatchString(strings.TrimSuffix(f, ")")) {
			n++
		}
	}
	return n
}

// TestKeysCommands: keys init (refused a second time, and without a
// secret), show, rotate and cert sast|tftp, on a SQLite file.
func TestKeysCommands(t *testing.T) {
	db, sf := keysDB(t)
	if _, err := runCLI(t, "keys", "show", "--db", db); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("show before init: %v", err)
	}
	_, err := runCLI(t, "keys", "init", "--db", db)
	if err == nil || !strings.Contains(err.Error(), "--keys-secret-file FILE, or set CMTFTP_KEYS_SECRET_FILE") {
		t.Errorf("init without a secret: %v", err)
	}
	out, err := runCLI(t, "keys", "init", "--db", db, "--keys-secret-file", sf, "--bits", "1024", "--tftp-name", "tftp.example.net", "--tftp-name", "192.0.2.7", "--org", "Example")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "active, signs lists") || !strings.Contains(out, "CN=tftp.example.net,O=Example") || fingerprints(out) != 5 {
		t.Errorf("init printed:\n%s", out)
	}
	if _, err := runCLI(t, "keys", "init", "--db", db, "--keys-secret-file", sf); err == nil || !strings.Contains(err.Error(), "exist already") {
		t.Errorf("second init: %v", err)
	}
	if _, err := runCLI(t, "keys", "rotate", "--db", db, "--keys-secret-file", sf); err != nil {
		t.Fatal(err)
	}
	out, err = runCLI(t, "keys", "show", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1   sast  active, signs lists   ", "2   tftp  retired", "3   sast  active   ", "4   tftp  active, signs files, serves HTTPS  CN=tftp.example.net", "trust lists are signed by key 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	checkCertCmd(t, db, "sast", "CN=cmtftp SAST 1,O=Example", out)
	checkCertCmd(t, db, "tftp", "CN=tftp.example.net,O=Example", out)
	if _, err := runCLI(t, "keys", "cert", "capf", "--db", db); err == nil {
		t.Error("keys cert capf worked")
	}
}

// TestKeysCommandsEC: keys init --https-key ec makes a third key, EC,
// which show marks as serving HTTPS and keys cert https prints, while the
// TFTP key stays RSA; a rotation keeps it EC; the old flag name
// --tftp-key still works.
func TestKeysCommandsEC(t *testing.T) {
	for _, flag := range []string{"--https-key", "--tftp-key"} {
		db, sf := keysDB(t)
		out, err := runCLI(t, "keys", "init", "--db", db, "--keys-secret-file", sf, "--bits", "1024", flag, "ec", "--tftp-name", "tftp.example.net")
		if err != nil {
			t.Fatal(err)
		}
		if fingerprints(out) != 7 {
			t.Errorf("%s: init printed:\n%s", flag, out)
		}
		if _, err := runCLI(t, "keys", "rotate", "--db", db, "--keys-secret-file", sf); err != nil {
			t.Fatal(err)
		}
		out, err = runCLI(t, "keys", "show", "--db", db)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"2   tftp   retired", "3   https  retired", "5   tftp   active, signs files  ", "6   https  active, serves HTTPS  CN=tftp.example.net,O=cmtftp  EC P-256"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: show lacks %q:\n%s", flag, want, out)
			}
		}
		for role, want := range map[string]string{"https": "ECDSA", "tftp": "RSA"} {
			if c := certOf(t, db, role); c.PublicKeyAlgorithm.String() != want {
				t.Errorf("%s: keys cert %s: a %s key, want %s", flag, role, c.PublicKeyAlgorithm, want)
			}
		}
	}
	db, sf := keysDB(t)
	if _, err := runCLI(t, "keys", "init", "--db", db, "--keys-secret-file", sf, "--bits", "1024"); err != nil {
		t.Fatal(err)
	}
	if https, tftp := certOf(t, db, "https"), certOf(t, db, "tftp"); !https.Equal(tftp) {
		t.Errorf("without an EC key keys cert https prints %s, not the TFTP certificate", https.Subject)
	}
}

// certOf returns the certificate keys cert ROLE prints.
func certOf(t *testing.T, db, role string) *x509.Certificate {
	t.Helper()
	out, err := runCLI(t, "keys", "cert", role, "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode([]byte(out))
	if b == nil {
		t.Fatalf("keys cert %s printed %q", role, out)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkCertCmd: keys cert ROLE prints the PEM of the certificate subject,
// whose SHA-1 fingerprint show printed.
func checkCertCmd(t *testing.T, db, role, subject, show string) {
	t.Helper()
	out, err := runCLI(t, "keys", "cert", role, "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	b, rest := pem.Decode([]byte(out))
	if b == nil || len(bytes.TrimSpace(rest)) != 0 {
		t.Fatalf("keys cert %s printed %q", role, out)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil || c.Subject.String() != subject {
		t.Fatalf("keys cert %s: %v %v", role, c.Subject, err)
	}
	if sha1, _ := trust.Fingerprint(b.Bytes); !strings.Contains(show, sha1) {
		t.Errorf("keys cert %s: fingerprint %s not in show", role, sha1)
	}
}

// TestExportHasNoKeys: with keys made and a device certificate stored,
// export (YAML and JSON) holds no private key, no sealed bytes (raw,
// base64 or hex) and no certificate of ours.
func TestExportHasNoKeys(t *testing.T) {
	ctx := context.Background()
	db, sf := keysDB(t)
	st, err := sqlite.Open(ctx, strings.TrimPrefix(db, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Apply(ctx, storetest.Site()); err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI(t, "keys", "init", "--db", db, "--keys-secret-file", sf, "--bits", "1024"); err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI(t, "device", "cert", "set", "SEP001122AABB02", writePhoneCert(t), "--db", db); err != nil {
		t.Fatal(err)
	}
	stored, err := st.Keys(ctx, true)
	if err != nil || len(stored) != 2 {
		t.Fatalf("%d keys, %v", len(stored), err)
	}
	t.Setenv(envToken, "")
	srv := httptest.NewServer((&admin.Server{Store: st}).Handler())
	defer srv.Close()
	for _, format := range []string{"yaml", "json"} {
		out, err := runCLI(t, "export", "-o", format, "--server", srv.URL)
		if err != nil || !strings.Contains(out, "SEP001122AABB02") {
			t.Fatalf("export -o %s: %v\n%.300s", format, err, out)
		}
		bad := []string{"PRIVATE", "CERTIFICATE"}
		for _, k := range stored {
			for _, b := range [][]byte{k.Sealed, k.Cert} {
				bad = append(bad, string(b[8:40]), base64.StdEncoding.EncodeToString(b)[8:48], hex.EncodeToString(b)[16:80], base64.StdEncoding.EncodeToString(b[9:])[:40])
			}
		}
		for _, b := range bad {
			if strings.Contains(out, b) {
				t.Errorf("export -o %s holds %q", format, b)
			}
		}
	}
}
