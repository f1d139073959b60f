package e2e

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// confLog collects a server's log as it is written.
type confLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *confLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if testing.Verbose() {
		os.Stderr.Write(p)
	}
	return l.b.Write(p)
}

func (l *confLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// confServe is a "cmtftp serve" whose log the test reads.
type confServe struct {
	cmd *exec.Cmd
	log *confLog
}

// startConfServe runs "cmtftp serve args…" with env added to the test's and
// waits for its log to say it listens on TFTP.
func startConfServe(t *testing.T, env []string, args ...string) *confServe {
	t.Helper()
	s := &confServe{cmd: exec.Command(binary, append([]string{"serve"}, args...)...), log: &confLog{}}
	s.cmd.Env = append(os.Environ(), env...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(s.cmd) })
	s.waitLog(t, "tftp listening", 1)
	return s
}

// waitLog waits until the log has n lines containing all of words; it
// fails after 20 s or when the server has ended.
func (s *confServe) waitLog(t *testing.T, words string, n int) string {
	t.Helper()
	for range 1000 {
		if lines := s.lines(strings.Fields(words)...); len(lines) >= n {
			return lines[n-1]
		}
		if s.cmd.ProcessState != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the log never had %d lines with %q:\n%s", n, words, s.log)
	return ""
}

// lines returns the log lines containing every one of words.
func (s *confServe) lines(words ...string) []string {
	var out []string
	for l := range strings.SplitSeq(s.log.String(), "\n") {
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(l, w)
		}
		if ok && l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (s *confServe) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

func writeSetting(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// curlConfTFTP fetches name from a TFTP server with curl.
func curlConfTFTP(t *testing.T, addr, name string) ([]byte, error) {
	t.Helper()
	out, err := exec.Command(needTool(t, "curl"), "-sS", "--fail", "tftp://"+addr+"/"+name).Output()
	if err != nil {
		return out, fmt.Errorf("curl tftp://%s/%s: %w", addr, name, err)
	}
	return out, nil
}

// TestConfigFileServes starts serve with nothing but a configuration file
// naming the root and the TFTP address; curl fetches a file from it.
func TestConfigFileServes(t *testing.T) {
	root, dir := t.TempDir(), t.TempDir()
	want := randomFile(t, root, "hello.bin", 3000)
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	conf := filepath.Join(dir, "cmtftp.yaml")
	writeSetting(t, conf, fmt.Sprintf("# a site\nroot: %s\ndb: sqlite:%s/cmtftp.db\ntftp-addr:\n  - %q\nadmin-addr: \"\"\nhttp-addr: \"\"\n", root, dir, addr))
	s := startConfServe(t, nil, "--config", conf)
	if l := s.waitLog(t, "tftp listening", 1); !strings.Contains(l, addr) || !strings.Contains(l, root) {
		t.Errorf("listening line %q does not name %s and %s", l, addr, root)
	}
	s.waitLog(t, "configuration file read "+conf, 1)
	got, err := curlConfTFTP(t, addr, "hello.bin")
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("fetched %d bytes (%v), want the %d of the file", len(got), err, len(want))
	}
}

// TestConfigEnvOverridesFile gives the TFTP address in the file and in
// CMTFTP_TFTP_ADDR: the environment wins; config show says so.
func TestConfigEnvOverridesFile(t *testing.T) {
	root, dir := t.TempDir(), t.TempDir()
	want := randomFile(t, root, "env.bin", 700)
	fileAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	envAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	conf := filepath.Join(dir, "cmtftp.yaml")
	writeSetting(t, conf, fmt.Sprintf("root: %s\ndb: sqlite:%s/cmtftp.db\ntftp-addr: %s\nadmin-addr: \"\"\nhttp-addr: \"\"\n", root, dir, fileAddr))
	env := []string{"CMTFTP_TFTP_ADDR=" + envAddr, "CMTFTP_CONFIG=" + conf}
	s := startConfServe(t, env)
	if l := s.waitLog(t, "tftp listening", 1); !strings.Contains(l, envAddr) {
		t.Errorf("listening on %q, want %s", l, envAddr)
	}
	if got, err := curlConfTFTP(t, envAddr, "env.bin"); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("fetched %d bytes (%v) from the environment's address", len(got), err)
	}

	cmd := exec.Command(binary, "config", "show")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("config show: %v", err)
	}
	for _, want := range []string{"# configuration file " + conf, "tftp-addr +" + envAddr + " +env CMTFTP_TFTP_ADDR",
		"root +" + root + " +file " + conf + ":1", "heartbeat +5s +default", `https-addr +"" +default`} {
		if !hasColumns(string(out), want) {
			t.Errorf("config show has no line %q:\n%s", want, out)
		}
	}
}

// hasColumns reports whether some line of text is, word for word, the
// columns of pattern (" +" between columns; a column may hold spaces).
func hasColumns(text, pattern string) bool {
	want := strings.Join(strings.Fields(strings.ReplaceAll(pattern, " +", " ")), " ")
	for l := range strings.SplitSeq(text, "\n") {
		if strings.Join(strings.Fields(l), " ") == want {
			return true
		}
	}
	return false
}

// TestConfigShowJSON checks config show --json and --config "" (no
// file at all) against a flag given nowhere.
func TestConfigShowJSON(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "c.yaml")
	writeSetting(t, conf, "log-level: debug\nprovisioning-nets: [10.0.0.0/8, 192.168.0.0/16]\n")
	var res struct {
		File     string
		Settings []struct {
			Name, Value, Source string
			Values              []string
		}
	}
	for _, c := range []struct {
		args                   []string
		file, level, from, net string
	}{
		{[]string{"--config", conf}, conf, "debug", "file " + conf + ":1", "10.0.0.0/8,192.168.0.0/16"},
		{[]string{"--config="}, "", "info", "default", "127.0.0.1/32,::1/128"},
	} {
		out, err := exec.Command(binary, append([]string{"config", "show", "--json"}, c.args...)...).Output()
		if err != nil {
			t.Fatalf("config show --json %v: %v", c.args, err)
		}
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, s := range res.Settings {
			got[s.Name] = s.Value + " from " + s.Source
		}
		if res.File != c.file || got["log-level"] != c.level+" from "+c.from || !strings.HasPrefix(got["provisioning-nets"], c.net+" from ") {
			t.Errorf("%v: file %q, log-level %q, provisioning-nets %q", c.args, res.File, got["log-level"], got["provisioning-nets"])
		}
		if _, ok := got["config"]; ok || got["tftp-addr"] == "" || got["admin-tls-cert"] == "" {
			t.Errorf("%v: settings %v", c.args, got)
		}
	}
}

// TestConfigErrors: a typo in the file, a bad value and a missing
// explicit file stop serve with an error naming the file and line.
func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "none.yaml")
	cases := []struct {
		name, body string
		args, env  []string
		want       string
	}{
		{"typo", "root: /srv\n\n# comment\ntftp-adr: [\":69\"]\n", nil, nil, `cmtftp.yaml:4: unknown setting "tftp-adr" (did you mean "tftp-addr"?)`},
		{"bad value", "root: /srv\nmax-serving-count: many\n", nil, nil, `cmtftp.yaml:2: max-serving-count: invalid value "many"`},
		{"yaml", "root: /srv\nroot:: [\n", nil, nil, "cmtftp.yaml:"},
		{"bad env", "root: /srv\n", nil, []string{"CMTFTP_RETRIES=x"}, "CMTFTP_RETRIES"},
		{"missing --config", "", []string{"--config", missing}, nil, "none.yaml: no such file"},
		{"missing CMTFTP_CONFIG", "", nil, []string{"CMTFTP_CONFIG=" + missing}, "none.yaml: no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conf := filepath.Join(t.TempDir(), "cmtftp.yaml")
			writeSetting(t, conf, c.body)
			args := c.args
			if args == nil && !strings.HasPrefix(strings.Join(c.env, ""), "CMTFTP_CONFIG") {
				args = []string{"--config", conf}
			}
			for _, cmdline := range [][]string{append([]string{"serve"}, args...), append([]string{"config", "show"}, args...)} {
				cmd := exec.Command(binary, cmdline...)
				cmd.Env = append(os.Environ(), c.env...)
				out, err := cmd.CombinedOutput()
				if err == nil || !strings.Contains(string(out), c.want) {
					t.Errorf("%v: err %v, output %q, want %q", cmdline, err, out, c.want)
				}
			}
		})
	}
}

// TestSIGHUPTokenAndLevel changes the token file and the file's log level
// and sends SIGHUP: the old token is refused, the new one accepted, and
// debug lines appear.
func TestSIGHUPTokenAndLevel(t *testing.T) {
	root, dir := t.TempDir(), t.TempDir()
	tokenFile, conf := filepath.Join(dir, "token"), filepath.Join(dir, "cmtftp.yaml")
	writeSetting(t, tokenFile, "old-token\n")
	tftpAddr, admin := "127.0.0.1:"+strconv.Itoa(freePort(t)), freeTCP(t)
	body := "root: %s\ndb: sqlite:%s/c.db\ntftp-addr: %s\nadmin-addr: %s\nadmin-token-file: %s\nhttp-addr: \"\"\nlog-level: %s\n"
	writeSetting(t, conf, fmt.Sprintf(body, root, dir, tftpAddr, admin, tokenFile, "info"))
	s := startConfServe(t, nil, "--config", conf)
	s.waitLog(t, "admin listening", 1)
	wantTokenStatus(t, admin, "old-token", 200)
	wantTokenStatus(t, admin, "new-token", 401)
	// A fetch at info logs no "tftp request" line (checked below, once a
	// later fetch's debug line shows the log has caught up).
	randomFile(t, root, "before.bin", 100)
	randomFile(t, root, "after.bin", 100)
	if _, err := curlConfTFTP(t, tftpAddr, "before.bin"); err != nil {
		t.Fatal(err)
	}

	writeSetting(t, tokenFile, "new-token\n")
	writeSetting(t, conf, fmt.Sprintf(body, root, dir, tftpAddr, admin, tokenFile, "debug"))
	s.signal(t, syscall.SIGHUP)
	l := s.waitLog(t, "reloaded", 1)
	if !strings.Contains(l, "reloaded log level debug, admin token") {
		t.Errorf("reload line %q", l)
	}
	wantTokenStatus(t, admin, "old-token", 401)
	wantTokenStatus(t, admin, "new-token", 200)
	if _, err := curlConfTFTP(t, tftpAddr, "after.bin"); err != nil {
		t.Fatal(err)
	}
	s.waitLog(t, "tftp request file=after.bin", 1)
	if got := s.lines("tftp request", "before.bin"); len(got) != 0 {
		t.Errorf("debug lines at info: %q", got)
	}

	// A broken token file and a bad level: both kept, both named.
	writeSetting(t, tokenFile, "  \n")
	writeSetting(t, conf, fmt.Sprintf(body, root, dir, tftpAddr, admin, tokenFile, "loud"))
	s.signal(t, syscall.SIGHUP)
	l = s.waitLog(t, "reloaded", 2)
	if !strings.Contains(l, "WARN") || !strings.Contains(l, "is empty") || !strings.Contains(l, `log level \"loud\"`) {
		t.Errorf("failed reload line %q", l)
	}
	wantTokenStatus(t, admin, "new-token", 200)

	// A broken file changes nothing and says so.
	writeSetting(t, conf, "root: [\n")
	s.signal(t, syscall.SIGHUP)
	s.waitLog(t, "reload failed; the running settings are kept", 1)
	wantTokenStatus(t, admin, "new-token", 200)
}

// wantTokenStatus asks the admin API for the devices with token.
func wantTokenStatus(t *testing.T, admin, token string, want int) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+admin+"/api/v1/devices", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Errorf("token %q: status %d, want %d", token, resp.StatusCode, want)
	}
}

// TestAdminTLSReload serves the admin API over HTTPS with a certificate
// the test made, renews it, sends SIGHUP and sees the new one served.
func TestAdminTLSReload(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "admin.crt"), filepath.Join(dir, "admin.key")
	first := makeAdminCert(t, certFile, keyFile, 1001)
	admin := freeTCP(t)
	s := startConfServe(t, nil, "--config=", "--root", t.TempDir(), "--db", "sqlite:"+filepath.Join(dir, "c.db"),
		"--tftp-addr", "127.0.0.1:"+strconv.Itoa(freePort(t)), "--http-addr=", "--admin-addr", admin,
		"--admin-tls-cert", certFile, "--admin-tls-key", keyFile)
	s.waitLog(t, "admin listening", 1)
	if serial := servedCertSerial(t, admin, first); serial != 1001 {
		t.Fatalf("served certificate %d, want 1001", serial)
	}
	// Go's TLS server answers a plain HTTP request with a bare 400.
	if resp, err := http.Get("http://" + admin + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("plain HTTP on the HTTPS admin listener: status %d, want 400", resp.StatusCode)
		}
	}

	renewed := makeAdminCert(t, certFile, keyFile, 1002)
	s.signal(t, syscall.SIGHUP)
	if l := s.waitLog(t, "reloaded", 1); !strings.Contains(l, "admin TLS certificate") {
		t.Errorf("reload line %q", l)
	}
	if serial := servedCertSerial(t, admin, renewed); serial != 1002 {
		t.Errorf("after SIGHUP served certificate %d, want 1002", serial)
	}

	writeSetting(t, keyFile, "not a key")
	s.signal(t, syscall.SIGHUP)
	if l := s.waitLog(t, "reloaded", 2); !strings.Contains(l, "failed") || !strings.Contains(l, "admin TLS certificate") {
		t.Errorf("reload line %q", l)
	}
	if serial := servedCertSerial(t, admin, renewed); serial != 1002 {
		t.Errorf("after a failed reload served certificate %d, want 1002 kept", serial)
	}
}

// makeAdminCert writes a self-signed certificate for 127.0.0.1 with serial and
// its key, and returns it.
func makeAdminCert(t *testing.T, certFile, keyFile string, serial int64) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "cmtftp admin"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	writeSetting(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	writeSetting(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})))
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// servedCertSerial GETs /healthz over a new TLS connection trusting only
// trust and returns the serial number of the certificate served.
func servedCertSerial(t *testing.T, addr string, trust *x509.Certificate) int64 {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(trust)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, DisableKeepAlives: true}}
	resp, err := c.Get("https://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("GET https://%s/healthz trusting certificate %d: %v", addr, trust.SerialNumber, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}
	return resp.TLS.PeerCertificates[0].SerialNumber.Int64()
}

// TestSdNotify plays systemd: it listens on NOTIFY_SOCKET, asks for a
// watchdog, and sees READY=1, WATCHDOG=1, RELOADING=1 and READY=1 after
// SIGHUP, and STOPPING=1 on SIGTERM.
func TestSdNotify(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "notify")
	ln, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := startConfServe(t, []string{"NOTIFY_SOCKET=" + sock, "WATCHDOG_USEC=400000"}, "--config=", "--root", t.TempDir(),
		"--db", "sqlite:"+filepath.Join(dir, "c.db"), "--tftp-addr", "127.0.0.1:"+strconv.Itoa(freePort(t)), "--http-addr=", "--admin-addr=")
	next := func(want string) {
		t.Helper()
		ln.SetReadDeadline(time.Now().Add(20 * time.Second))
		buf := make([]byte, 4096)
		var seen []string
		for range 200 {
			n, err := ln.Read(buf)
			if err != nil {
				t.Fatalf("waiting for %s (seen %q): %v", want, seen, err)
			}
			if strings.HasPrefix(string(buf[:n]), want) {
				return
			}
			seen = append(seen, string(buf[:n]))
		}
		t.Fatalf("no %s in 200 messages: %q", want, seen)
	}
	next("READY=1")
	next("WATCHDOG=1")
	s.signal(t, syscall.SIGHUP)
	next("RELOADING=1\nMONOTONIC_USEC=")
	next("READY=1")
	s.signal(t, syscall.SIGTERM)
	next("STOPPING=1")
	if err := s.cmd.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v", err)
	}
}
