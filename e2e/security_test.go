package e2e

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/device"
	"cmtftp/internal/trust"
)

// secureSite is a demo server whose database gets signing keys, and the
// ways the test reaches it.
type secureSite struct {
	dir, db, secret, tftp, admin, https string
}

// startSecureSite starts "serve --demo" with an HTTPS listener and the
// secret of its keys; the cluster is non-secure until the test says.
func startSecureSite(t *testing.T) *secureSite {
	t.Helper()
	s := &secureSite{dir: t.TempDir(), admin: freeTCP(t), https: freeTCP(t)}
	s.db = "sqlite:" + filepath.Join(s.dir, "cmtftp-demo", "cmtftp.db")
	s.secret = filepath.Join(s.dir, "secret")
	if err := os.WriteFile(s.secret, []byte(hex.EncodeToString(randomBytes(t, 32))), 0o600); err != nil {
		t.Fatal(err)
	}
	s.tftp = "127.0.0.1:" + strconv.Itoa(freePort(t))
	startServeIn(t, s.dir, nil, 1, "--demo", "--db", s.db, "--tftp-addr", s.tftp, "--admin-addr", s.admin,
		"--https-addr", s.https, "--keys-secret-file", s.secret)
	return s
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// run runs a cmtftp command on the database directly and returns stdout.
func (s *secureSite) run(t *testing.T, args ...string) string {
	t.Helper()
	args = append(args, "--db", s.db)
	out, err := exec.Command(binary, args...).Output()
	if err != nil {
		var stderr []byte
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = ee.Stderr
		}
		t.Fatalf("cmtftp %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// curl's exit codes for a TFTP error: ERROR 1 (not found), and others
// (ERROR 0 "busy, retry later").
const (
	curlTFTPNotFound = 68
	curlTFTPOther    = 71
)

// tftpGet fetches name with curl's TFTP client; ok is false when the
// server had no such file.
func (s *secureSite) tftpGet(t *testing.T, name string) ([]byte, bool) {
	t.Helper()
	b, code := s.tftpTry(t, name)
	if code != 0 && code != curlTFTPNotFound {
		t.Fatalf("curl tftp %s: exit %d", name, code)
	}
	return b, code == 0
}

// tftpTry fetches name with curl's TFTP client and returns curl's exit
// code for a TFTP error.
func (s *secureSite) tftpTry(t *testing.T, name string) ([]byte, int) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "file")
	err := exec.Command(needTool(t, "curl"), "-s", "--max-time", "20", "-o", out, "tftp://"+s.tftp+"/"+name).Run()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) && (ee.ExitCode() == curlTFTPNotFound || ee.ExitCode() == curlTFTPOther) {
		return nil, ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("curl tftp %s: %v", name, err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b, 0
}

// waitFor fetches name until it is served and accept takes it (10 s at most).
func (s *secureSite) waitFor(t *testing.T, name string, accept func([]byte) bool) []byte {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, ok := s.tftpGet(t, name); ok && accept(b) {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not served as expected within 10 s", name)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pem writes the active certificate of role (sast|tftp) and returns its path.
func (s *secureSite) pem(t *testing.T, role string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), role+".pem")
	if err := os.WriteFile(p, []byte(s.run(t, "keys", "cert", role)), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSecureCluster plays a cluster going secure: non-secure, trust-list
// names are not found (and counted); keys init and ClusterSecurityMode
// mixed make the server serve an ITL that verifies, X.sgn signed by the
// listed TFTP key with X as payload, firmware .sgn byte for byte, HTTPS
// 6971 with the TFTP certificate (openssl s_client, curl --cacert)
// answering X.sgn unsigned; an encrypted device gets its stub and an
// .enc.sgn that decrypts with the phone's key to exactly its configuration;
// a rotation publishes a list that verifies under the installed one and
// changes the HTTPS certificate without a restart; cmtftp simulate --secure
// boots across the rollover and refuses a foreign list.
func TestSecureCluster(t *testing.T) {
	s := startSecureSite(t)
	notFound := metricValue(t, s.admin, "RequestsNotFound")
	for _, name := range []string{"CTLFile.tlv", "ITLFile.tlv", "ITLSEP0000DE000001.tlv"} {
		if _, ok := s.tftpGet(t, name); ok {
			t.Fatalf("non-secure cluster served %s", name)
		}
	}
	if got := metricValue(t, s.admin, "RequestsNotFound") - notFound; got != 3 {
		t.Errorf("RequestsNotFound rose by %v for three trust-list names, want 3", got)
	}

	s.run(t, "keys", "init", "--keys-secret-file", s.secret, "--tftp-name", "localhost", "--tftp-name", "127.0.0.1")
	mustCLI(t, s.admin, "param", "set", "ClusterSecurityMode", "mixed")
	itl := s.waitFor(t, "ITLFile.tlv", func([]byte) bool { return true })
	_, records, err := trust.VerifyTrustList(itl, nil)
	if err != nil {
		t.Fatalf("ITLFile.tlv: %v", err)
	}
	checkSigned(t, s, records)
	checkTimeline(t, s, records)
	checkFirmwarePassThrough(t, s)
	tftpPEM := s.pem(t, "tftp")
	checkHTTPS(t, s, tftpPEM, true)
	checkEncrypted(t, s, records)
	checkSecureBoot(t, s, itl)
	if v := metricValue(t, s.admin, "BuildSignCount"); v < 3 {
		t.Errorf("BuildSignCount = %v, want at least 3 (the ITL and two .sgn)", v)
	}
	if v := metricValue(t, s.admin, "EncryptCount"); v != 1 {
		t.Errorf("EncryptCount = %v, want 1", v)
	}

	// Rotation: the next list verifies under the one phones hold.
	s.run(t, "keys", "rotate", "--keys-secret-file", s.secret)
	next := s.waitFor(t, "ITLFile.tlv", func(b []byte) bool { return !bytes.Equal(b, itl) })
	_, nextRecords, err := trust.VerifyTrustList(next, records)
	if err != nil {
		t.Fatalf("the rotated list does not verify under the installed one: %v", err)
	}
	checkHTTPS(t, s, tftpPEM, false) // the old TFTP certificate is gone from 6971, without a restart
	checkHTTPS(t, s, s.pem(t, "tftp"), true)
	checkSigned(t, s, nextRecords)
	installed := filepath.Join(t.TempDir(), "itl-1.tlv")
	if err := os.WriteFile(installed, itl, 0o600); err != nil {
		t.Fatal(err)
	}
	var r device.Report
	if code := simulate(t, &r, "--mac", "0000DE000001", "--model", "7961", "--protocol", "sccp", "--tftp", s.tftp,
		"--secure", "--itl", installed); code != 0 || r.Outcome != device.Configured {
		t.Errorf("secure boot across the rollover: exit %d, %s: %s", code, r.Outcome, r.Detail)
	}
}

// checkSigned: X.sgn verifies with the TFTP certificate of the list, names
// itself, and carries exactly X.
func checkSigned(t *testing.T, s *secureSite, records []trust.Record) {
	t.Helper()
	for _, name := range []string{"SEP0000DE000001.cnf.xml", "RingList.xml"} {
		plain, ok := s.tftpGet(t, name)
		if !ok {
			t.Fatalf("%s not found", name)
		}
		sgn, ok := s.tftpGet(t, name+".sgn")
		if !ok {
			t.Fatalf("%s.sgn not found in a mixed-mode cluster", name)
		}
		h, payload, err := trust.VerifySigned(sgn, records)
		if err != nil {
			t.Fatalf("%s.sgn: %v", name, err)
		}
		if h.Filename != name+".sgn" || !bytes.Equal(payload, plain) {
			t.Errorf("%s.sgn: header names %q, payload equal to %s: %v", name, h.Filename, name, bytes.Equal(payload, plain))
		}
	}
}

// checkTimeline: the boot timeline names the TFTP key that signed a .sgn
// (as phones show its fingerprint), and no signer for the unsigned file.
func checkTimeline(t *testing.T, s *secureSite, records []trust.Record) {
	t.Helper()
	certs := trust.Certificates(records, trust.RoleTFTP)
	if len(certs) == 0 {
		t.Fatal("no TFTP record in the ITL")
	}
	sha1, _ := trust.Fingerprint(certs[0].Raw)
	seen := map[string]string{}
	for _, e := range deviceTimeline(t, s.admin, "SEP0000DE000001") {
		seen[e.Name] = e.Signer
	}
	if got := seen["SEP0000DE000001.cnf.xml.sgn"]; !strings.Contains(got, sha1) {
		t.Errorf("timeline signer of the .sgn = %q, want the TFTP key's SHA-1 %s", got, sha1)
	}
	if got, ok := seen["SEP0000DE000001.cnf.xml"]; !ok || got != "" {
		t.Errorf("timeline of the unsigned configuration: present %v, signer %q", ok, got)
	}
	table := mustCLI(t, s.admin, "device", "timeline", "SEP0000DE000001")
	for _, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		if len(f) > 2 && f[2] == "SEP0000DE000001.cnf.xml.sgn" && !strings.Contains(line, sha1) {
			t.Errorf("cmtftp device timeline does not name the signer:\n%s", line)
		}
		if len(f) > 2 && f[2] == "SEP0000DE000001.cnf.xml" && f[len(f)-1] != "-" {
			t.Errorf("cmtftp device timeline: the unsigned file has a signer:\n%s", line)
		}
	}
	if !strings.Contains(table, "SIGNED") {
		t.Errorf("cmtftp device timeline has no SIGNED column:\n%s", table)
	}
}

// checkFirmwarePassThrough: a signed firmware file in the root is served
// as it is, never signed again.
func checkFirmwarePassThrough(t *testing.T, s *secureSite) {
	t.Helper()
	fw := randomBytes(t, 5000)
	path := filepath.Join(s.dir, "cmtftp-demo", "tftp", "jar41sccp.9-4-2ES26.sbn.sgn")
	if err := os.WriteFile(path, fw, 0o644); err != nil {
		t.Fatal(err)
	}
	got, ok := s.tftpGet(t, "jar41sccp.9-4-2ES26.sbn.sgn")
	if !ok || !bytes.Equal(got, fw) {
		t.Errorf("firmware .sgn not served byte for byte (found %v, %d bytes)", ok, len(got))
	}
}

// checkHTTPS: 6971 presents the certificate in pemPath (trusted) or not,
// and answers X.sgn with the unsigned X.
func checkHTTPS(t *testing.T, s *secureSite, pemPath string, trusted bool) {
	t.Helper()
	out, _ := exec.Command(needTool(t, "openssl"), "s_client", "-connect", s.https, "-CAfile", pemPath,
		"-verify_return_error").CombinedOutput()
	verified := strings.Contains(string(out), "Verify return code: 0 (ok)")
	if verified != trusted {
		t.Fatalf("openssl s_client -CAfile %s: verified %v, want %v\n%s", filepath.Base(pemPath), verified, trusted, out)
	}
	if !trusted {
		return
	}
	plain, _ := s.tftpGet(t, "SEP0000DE000001.cnf.xml")
	status, body := curlGet(t, "https://"+s.https+"/SEP0000DE000001.cnf.xml.sgn", "--cacert", pemPath)
	if status != 200 || !bytes.Equal(body, plain) {
		t.Errorf("HTTPS SEP0000DE000001.cnf.xml.sgn: %d, unsigned configuration %v", status, bytes.Equal(body, plain))
	}
}

// checkEncrypted: an encrypted device without a certificate is told busy,
// its configuration in clear refused (TFTP access violation, the chain
// stops); with one, its .sgn is the stub, its .enc.sgn decrypts with the
// phone's key to the configuration, and HTTPS serves that configuration
// only to the client presenting the phone's certificate (403 otherwise).
func checkEncrypted(t *testing.T, s *secureSite, records []trust.Record) {
	t.Helper()
	const dev = "SEP0000DE000002"
	const curlTFTPDenied = 69 // CURLE_TFTP_PERM: TFTP ERROR 2, access violation
	denied := func(name string) bool {
		err := exec.Command(needTool(t, "curl"), "-s", "--max-time", "20", "-o", os.DevNull, "tftp://"+s.tftp+"/"+name).Run()
		var ee *exec.ExitError
		return errors.As(err, &ee) && ee.ExitCode() == curlTFTPDenied
	}
	mustCLI(t, s.admin, "device", "set", dev, "--security-mode", "encrypted")
	waitUntil(t, func() bool { return denied(dev + ".cnf.xml") })
	for _, name := range []string{dev + ".cnf.xml.sgn", dev + ".cnf.xml.enc.sgn"} {
		if b, code := s.tftpTry(t, name); code != curlTFTPOther {
			t.Fatalf("%s of an encrypted device without a certificate: curl exit %d (%d bytes), want busy", name, code, len(b))
		}
	}
	key, certPEM := phoneCert(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "phone.pem"), filepath.Join(dir, "phone-key.pem")
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	s.run(t, "device", "cert", "set", dev, certFile)
	stub := s.waitFor(t, dev+".cnf.xml.sgn", func([]byte) bool { return true })
	_, payload, err := trust.VerifySigned(stub, records)
	if err != nil || !strings.Contains(string(payload), "<encrConfig>true</encrConfig>") || !strings.Contains(string(payload), "<fullConfig>false</fullConfig>") {
		t.Fatalf("stub: %v\n%s", err, payload)
	}
	enc, ok := s.tftpGet(t, dev+".cnf.xml.enc.sgn")
	if !ok {
		t.Fatal(".enc.sgn not found with a certificate")
	}
	if _, _, err := trust.VerifySigned(enc, records); err != nil {
		t.Errorf(".enc.sgn signature: %v", err)
	}
	_, plain, err := trust.DecryptConfig(enc, key)
	if err != nil {
		t.Fatal(err)
	}
	if !denied(dev + ".cnf.xml") {
		t.Error("the configuration in clear over TFTP with a certificate: not refused")
	}
	tftpPEM := s.pem(t, "tftp")
	for _, name := range []string{dev + ".cnf.xml.sgn", dev + ".cnf.xml"} {
		if status, body := curlGet(t, "https://"+s.https+"/"+name, "--cacert", tftpPEM); status != 403 || bytes.Equal(body, plain) {
			t.Errorf("HTTPS %s without the phone's certificate: %d (%d bytes), want 403", name, status, len(body))
		}
		status, full := curlGet(t, "https://"+s.https+"/"+name, "--cacert", tftpPEM, "--cert", certFile, "--key", keyFile)
		if status != 200 || !bytes.Equal(plain, full) {
			t.Errorf("HTTPS %s with the phone's certificate: %d, the decrypted configuration %v", name, status, bytes.Equal(plain, full))
		}
	}
}

// phoneCert is a phone's key and self-signed certificate (its LSC).
func phoneCert(t *testing.T) (*rsa.PrivateKey, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "CP-7970G-SEP0000DE000002"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// checkSecureBoot: the emulated secure phone boots on the leap of faith
// and saves the list; a list signed by a foreign SAST is refused.
func checkSecureBoot(t *testing.T, s *secureSite, itl []byte) {
	t.Helper()
	saved := filepath.Join(t.TempDir(), "saved.tlv")
	args := []string{"--mac", "0000DE000001", "--model", "7961", "--protocol", "sccp", "--tftp", s.tftp, "--secure"}
	var r device.Report
	if code := simulate(t, &r, append(args, "--save-itl", saved)...); code != 0 || r.Outcome != device.Configured {
		t.Fatalf("secure boot: exit %d, %s: %s", code, r.Outcome, r.Detail)
	}
	if b, _ := os.ReadFile(saved); !bytes.Equal(b, itl) {
		t.Errorf("the saved list is not the served ITL")
	}
	foreign := filepath.Join(t.TempDir(), "foreign.tlv")
	if err := os.WriteFile(foreign, foreignList(t), 0o600); err != nil {
		t.Fatal(err)
	}
	// A phone holding another cluster's list refuses this one ("Trust
	// List update failed"), keeps its own, and so refuses the files.
	code := simulate(t, &r, append(args, "--itl", foreign)...)
	refused := slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.Contains(w, "Trust List update failed") })
	if code == 0 || r.Cause != device.CauseSignature || !refused {
		t.Errorf("a phone holding a foreign list: exit %d, cause %q, warnings %q; want the list refused and the configuration's signature too", code, r.Cause, r.Warnings)
	}
}

// foreignList is a trust list of another cluster's SAST.
func foreignList(t *testing.T) []byte {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "foreign SAST"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	signer := trust.Signer{Key: key, Cert: cert}
	b, err := trust.BuildTrustList("ITLFile.tlv", []trust.Entry{{Role: trust.RoleSAST, Cert: cert}, {Role: trust.RoleTFTP, Cert: cert}}, signer, trust.TrustListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
