package e2e

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/admin"
	"cmtftp/internal/store/storetest"
)

// The two-server example this test runs: its unit and environment files.
const (
	pairDir  = "../examples/pair"
	pairUnit = pairDir + "/cmtftp@.service"
)

var pairEnvs = []string{pairDir + "/tftp1.env", pairDir + "/tftp2.env"}

// unitExecStart returns the words of the unit's ExecStart= line.
func unitExecStart(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "ExecStart="); ok {
			return strings.Fields(v)
		}
	}
	t.Fatalf("%s has no ExecStart=", path)
	return nil
}

// readEnvFile reads a systemd environment file of KEY=VALUE lines.
func readEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: %q is not KEY=VALUE", path, line)
		}
		env[k] = v
	}
	return env
}

var unitVar = regexp.MustCompile(`\$\{([A-Z_0-9]+)\}`)

// pairArgs returns serve's arguments as the unit runs them with env, and
// checks every variable the unit uses is set by env and env sets no other.
func pairArgs(t *testing.T, words []string, env map[string]string, file string) []string {
	t.Helper()
	if len(words) < 2 || words[0] != "/usr/bin/cmtftp" || words[1] != "serve" {
		t.Fatalf("ExecStart %v does not run /usr/bin/cmtftp serve", words)
	}
	used := map[string]bool{}
	var args []string
	for _, w := range words[2:] {
		args = append(args, unitVar.ReplaceAllStringFunc(w, func(m string) string {
			k := unitVar.FindStringSubmatch(m)[1]
			used[k] = true
			v, ok := env[k]
			if !ok {
				t.Errorf("the unit uses ${%s}; %s does not set it", k, file)
			}
			return v
		}))
	}
	for k := range env {
		if !used[k] {
			t.Errorf("%s sets %s, which the unit does not use", file, k)
		}
	}
	return args
}

// TestPairExampleUnit: systemd-analyze verify accepts the example's unit
// (with the binary installed where it says), and every flag it passes
// is one of serve's.
func TestPairExampleUnit(t *testing.T) {
	analyze := needTool(t, "systemd-analyze")
	root := t.TempDir()
	for _, d := range []string{"usr/bin", "usr/lib/systemd", "etc/cmtftp", "etc/systemd/system"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The targets the unit orders itself after are the system's.
	run(t, "cp", "-r", "/usr/lib/systemd/system", filepath.Join(root, "usr/lib/systemd/"))
	run(t, "cp", binary, filepath.Join(root, "usr/bin/cmtftp"))
	run(t, "cp", pairUnit, filepath.Join(root, "etc/systemd/system/"))
	for _, env := range pairEnvs {
		run(t, "cp", env, filepath.Join(root, "etc/cmtftp/"))
	}
	for _, inst := range []string{"tftp1", "tftp2"} {
		out, err := exec.Command(analyze, "verify", "--man=no", "--root="+root, "/etc/systemd/system/cmtftp@"+inst+".service").CombinedOutput()
		if err != nil || len(strings.TrimSpace(string(out))) > 0 {
			t.Errorf("systemd-analyze verify cmtftp@%s: %v\n%s", inst, err, out)
		}
	}
	help, err := exec.Command(binary, "serve", "--help").CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range unitExecStart(t, pairUnit) {
		flag, _, _ := strings.Cut(w, "=") // --https-addr=${…}: an empty value stays the flag's
		if strings.HasPrefix(w, "--") && !strings.Contains(string(help), "  "+flag+" ") {
			t.Errorf("the unit passes %s; cmtftp serve --help does not list it", flag)
		}
	}
}

// clusterStatus runs "cmtftp cluster status -o json" against admin.
func clusterStatus(t *testing.T, addr, token string) admin.ClusterStatus {
	t.Helper()
	out, errs, err := cli(t, addr, []string{"CMTFTP_ADMIN_TOKEN=" + token}, "cluster", "status", "-o", "json")
	if err != nil {
		t.Fatalf("cluster status: %v\n%s", err, errs)
	}
	var cs admin.ClusterStatus
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		t.Fatalf("cluster status: %v\n%s", err, out)
	}
	return cs
}

// waitCluster polls "cluster status" at addr until ok holds.
func waitCluster(t *testing.T, addr, token, what string, ok func(admin.ClusterStatus) bool) admin.ClusterStatus {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		cs := clusterStatus(t, addr, token)
		if ok(cs) {
			return cs
		}
		if time.Now().After(deadline) {
			t.Fatalf("cluster status never showed %s: %+v", what, cs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// byPort finds the server listening for TFTP on port.
func byPort(cs admin.ClusterStatus, port int) (admin.ClusterServer, bool) {
	for _, s := range cs.Servers {
		if strings.HasSuffix(s.TFTPAddrs, ":"+strconv.Itoa(port)) {
			return s, true
		}
	}
	return admin.ClusterServer{}, false
}

// TestPairCluster runs the example's two servers as its unit would —
// the ExecStart line with tftp1.env and tftp2.env — on one throwaway
// PostgreSQL database, with loopback addresses, a temporary root and a
// 300 ms heartbeat in place of the example's. "cmtftp cluster status"
// lists both, each answering marks itself, both apply a change made
// through one; killed, the second is marked silent after three
// heartbeats while the first stays ok.
func TestPairCluster(t *testing.T) {
	dsn := storetest.NewPostgresDB(t)
	words := unitExecStart(t, pairUnit)
	dir := t.TempDir()
	token := "pair-token"
	tokenFile := filepath.Join(dir, "admin.token")
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const beat = 300 * time.Millisecond
	var servers []*exec.Cmd
	var admins []string
	var ports []int
	for _, file := range pairEnvs {
		env := readEnvFile(t, file)
		port, adminAddr := freePort(t), freeTCP(t)
		for k, v := range map[string]string{"CMTFTP_ROOT": t.TempDir(), "CMTFTP_DB": dsn, "CMTFTP_TFTP_ADDR": "127.0.0.1:" + strconv.Itoa(port),
			"CMTFTP_HTTP_ADDR": freeTCP(t), "CMTFTP_ADMIN_ADDR": adminAddr, "CMTFTP_ADMIN_TOKEN_FILE": tokenFile, "CMTFTP_HEARTBEAT": beat.String()} {
			if _, ok := env[k]; !ok {
				t.Fatalf("%s does not set %s", file, k)
			}
			env[k] = v
		}
		servers = append(servers, startServe(t, nil, 1, pairArgs(t, words, env, file)...))
		admins, ports = append(admins, adminAddr), append(ports, port)
	}
	if _, errs, err := cli(t, admins[0], []string{"CMTFTP_ADMIN_TOKEN=" + token}, "apply", "-f", "../examples/site.yaml"); err != nil {
		t.Fatalf("apply through the first server: %v\n%s", err, errs)
	}
	for i, addr := range admins {
		cs := waitCluster(t, addr, token, "both servers with the change applied", func(cs admin.ClusterStatus) bool {
			a, okA := byPort(cs, ports[0])
			b, okB := byPort(cs, ports[1])
			return okA && okB && len(cs.Servers) == 2 && cs.NewestChange > 0 && a.AppliedID == cs.NewestChange && b.AppliedID == cs.NewestChange
		})
		for j, port := range ports {
			s, _ := byPort(cs, port)
			if s.Self != (i == j) || s.Silent || s.Behind || s.Version == "" || s.HeartbeatAge > 3*beat.Seconds() || s.Interval != beat {
				t.Errorf("asked server %d: server %d is %+v", i+1, j+1, s)
			}
		}
	}
	table := mustCLIToken(t, admins[0], token, "cluster", "status")
	if !strings.Contains(table, "ok, this") || strings.Count(table, "127.0.0.1:") < 4 {
		t.Errorf("cluster status table:\n%s", table)
	}
	servers[1].Process.Kill()
	servers[1].Wait()
	killed := time.Now()
	cs := waitCluster(t, admins[0], token, "the second server silent", func(cs admin.ClusterStatus) bool {
		b, ok := byPort(cs, ports[1])
		return ok && b.Silent
	})
	if took := time.Since(killed); took > 3*beat+2*time.Second {
		t.Errorf("marked silent %v after the kill", took)
	}
	if a, _ := byPort(cs, ports[0]); a.Silent || !a.Self {
		t.Errorf("the first server after the second was killed: %+v", a)
	}
	if table := mustCLIToken(t, admins[0], token, "cluster", "status"); !strings.Contains(table, "silent") {
		t.Errorf("the table does not show the silent server:\n%s", table)
	}
}

// mustCLIToken runs a client command with the admin token set.
func mustCLIToken(t *testing.T, addr, token string, args ...string) string {
	t.Helper()
	out, errs, err := cli(t, addr, []string{"CMTFTP_ADMIN_TOKEN=" + token}, args...)
	if err != nil {
		t.Fatalf("cmtftp %s: %v\n%s", strings.Join(args, " "), err, errs)
	}
	return out
}
