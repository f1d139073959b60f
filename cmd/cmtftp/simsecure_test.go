package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/source"
	"cmtftp/internal/tftpd"
	"cmtftp/internal/trust"
)

// simSigner makes an RSA 2048 signer with a self-signed certificate.
func simSigner(t *testing.T, cn string, serial int64) trust.Signer {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	name := pkix.Name{CommonName: cn}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: name, Issuer: name,
		NotBefore: time.Unix(1700000000, 0), NotAfter: time.Unix(2000000000, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return trust.Signer{Key: k, Cert: c}
}

// memTFTP serves files on loopback; the test may change them.
func memTFTP(t *testing.T, files map[string][]byte) (string, func(string, []byte)) {
	t.Helper()
	var mu sync.Mutex
	open := func(_ context.Context, req *source.Request) (source.File, error) {
		mu.Lock()
		defer mu.Unlock()
		if b, ok := files[req.Name]; ok {
			return source.NewMemory(b, time.Unix(1700000000, 0)), nil
		}
		return nil, source.ErrNotFound
	}
	s := &tftpd.Server{Source: source.Func(open), MaxPerSource: -1}
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(conn)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	return conn.LocalAddr().String(), func(name string, b []byte) { mu.Lock(); files[name] = b; mu.Unlock() }
}

func simList(t *testing.T, signer trust.Signer, sasts []trust.Signer, tftp trust.Signer) []byte {
	t.Helper()
	var es []trust.Entry
	for _, s := range sasts {
		es = append(es, trust.Entry{Role: trust.RoleSAST, Cert: s.Cert})
	}
	b, err := trust.BuildTrustList("ITLFile.tlv", append(es, trust.Entry{Role: trust.RoleTFTP, Cert: tftp.Cert}), signer, trust.TrustListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSimulateSecure: a rollover rehearsed with the command, boot after
// boot: --save-itl keeps the list taken on faith, --itl presents it on the
// next boot, which takes N+1 and refuses a foreign list; an encrypted
// configuration is read with --phone-key (PEM); the flags of a secure
// phone need --secure.
func TestSimulateSecure(t *testing.T) {
	sast1, sast2, tftpK, foreign, phone := simSigner(t, "sast1", 1), simSigner(t, "sast2", 2), simSigner(t, "tftp1", 3), simSigner(t, "intruder", 4), simSigner(t, "phone", 5)
	const mac = "0011AABB5EC2"
	cnf := "SEP" + mac + ".cnf.xml"
	config := `<device><devicePool><callManagerGroup><members><member><callManager><processNodeName>127.0.0.1</processNodeName></callManager></member></members></callManagerGroup></devicePool></device>`
	sgn := func(name, body string) []byte {
		b, err := trust.Sign(name, []byte(body), tftpK, trust.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	listN := simList(t, sast1, []trust.Signer{sast1}, tftpK)
	addr, set := memTFTP(t, map[string][]byte{"ITLFile.tlv": listN, cnf + ".sgn": sgn(cnf+".sgn", config)})
	dir := t.TempDir()
	saved := filepath.Join(dir, "itl.tlv")
	sim := func(extra ...string) (string, error) {
		root := newRoot()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(append([]string{"simulate", "--mac", mac, "--model", "7961", "--tftp", addr, "--timeout", "300ms", "--retries", "1"}, extra...))
		err := root.Execute()
		return out.String(), err
	}
	out, err := sim("--secure", "--save-itl", saved)
	if got, _ := os.ReadFile(saved); err != nil || !bytes.Equal(got, listN) || !strings.Contains(out, "leap of faith") || !strings.Contains(out, "signed by CN=tftp1") {
		t.Fatalf("first boot: %v\n%s", err, out)
	}
	set("ITLFile.tlv", simList(t, sast1, []trust.Signer{sast1, sast2}, tftpK))
	if out, err := sim("--secure", "--itl", saved, "--save-itl", saved); err != nil || !strings.Contains(out, "signed by a SAST of the installed list") {
		t.Fatalf("N+1: %v\n%s", err, out)
	}
	set("ITLFile.tlv", simList(t, foreign, []trust.Signer{foreign}, tftpK))
	// Refused, and the phone keeps its list, whose TFTP key signed the files.
	if out, err := sim("--secure", "--itl", saved); err != nil || !strings.Contains(out, "Trust List update failed: ITLFile.tlv: signer CN=intruder is not in the installed list") ||
		!strings.Contains(out, "installed list kept") {
		t.Fatalf("foreign list: %v\n%s", err, out)
	}
	set("ITLFile.tlv", listN)
	set(cnf+".sgn", sgn(cnf+".sgn", "<device><fullConfig>false</fullConfig><encrConfig>true</encrConfig></device>"))
	enc, err := trust.EncryptConfig(cnf+".enc.sgn", []byte(config), phone.Cert, tftpK, trust.Options{})
	if err != nil {
		t.Fatal(err)
	}
	set(cnf+".enc.sgn", enc)
	keyFile := filepath.Join(dir, "phone.pem")
	der, _ := x509.MarshalPKCS8PrivateKey(phone.Key)
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := sim("--secure", "--phone-key", keyFile); err != nil || !strings.Contains(out, "decrypted") {
		t.Fatalf("encrypted: %v\n%s", err, out)
	}
	if out, err := sim("--secure"); err == nil || !strings.Contains(out, "encrypted configuration: no phone key") {
		t.Fatalf("encrypted, no key: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"--itl", saved}, {"--phone-key", keyFile}, {"--save-itl", saved}, {"--no-verify"}} {
		if _, err := sim(args...); err == nil || !strings.Contains(err.Error(), "go with --secure") {
			t.Errorf("%q without --secure: %v", args, err)
		}
	}
}
