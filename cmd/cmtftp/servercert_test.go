package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"
)

// TestServerCertCommands: server cert set prints what the certificate is,
// show prints it and the PEM, delete removes it; an EC certificate, an
// unknown server and a second delete are refused.
func TestServerCertCommands(t *testing.T) {
	db, k := certSite(t)
	path, _ := certFile(t, k)
	if out, err := runCLI(t, "server", "cert", "set", "cm1", path, "--db", db); err != nil || !strings.Contains(out, "key:       RSA 1024") {
		t.Errorf("set: %v\n%s", err, out)
	}
	out, err := runCLI(t, "server", "cert", "show", "cm1", "--db", db)
	if err != nil || !strings.Contains(out, "key:       RSA 1024") || !strings.Contains(out, "-----BEGIN CERTIFICATE-----") {
		t.Errorf("show: %v\n%s", err, out)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPath, _ := certFile(t, ec)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"set", "cm2", ecPath}, "not RSA"},
		{[]string{"set", "nope", path}, "not found"},
		{[]string{"show", "cm2"}, "not found"},
		{[]string{"delete", "cm1"}, ""},
		{[]string{"delete", "cm1"}, "not found"},
		{[]string{"show", "cm1"}, "not found"},
	} {
		_, err := runCLI(t, append(append([]string{"server", "cert"}, tc.args...), "--db", db)...)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("server cert %s: %v, want %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
}
