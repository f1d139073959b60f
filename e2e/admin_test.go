package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// freeTCP returns a free loopback TCP address.
func freeTCP(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// cli runs a cmtftp client command against the admin API at addr.
func cli(t *testing.T, addr string, env []string, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(append(os.Environ(), "CMTFTP_SERVER=http://"+addr, "CMTFTP_ADMIN_TOKEN="), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

func mustCLI(t *testing.T, addr string, args ...string) string {
	t.Helper()
	out, errs, err := cli(t, addr, nil, args...)
	if err != nil {
		t.Fatalf("cmtftp %s: %v\n%s%s", strings.Join(args, " "), err, out, errs)
	}
	return out
}

func failCLI(t *testing.T, addr string, want string, args ...string) {
	t.Helper()
	out, errs, err := cli(t, addr, nil, args...)
	if err == nil {
		t.Fatalf("cmtftp %s succeeded, want an error mentioning %q\n%s", strings.Join(args, " "), want, out)
	}
	if !strings.Contains(errs, want) {
		t.Fatalf("cmtftp %s: error %q does not mention %q", strings.Join(args, " "), errs, want)
	}
}

// TestDemoSite runs "serve --demo" in an empty directory as a newcomer
// would and uses the three commands it prints.
func TestDemoSite(t *testing.T) {
	dir := t.TempDir()
	admin := freeTCP(t)
	port := strconv.Itoa(freePort(t))
	startServeIn(t, dir, nil, 1, "--demo", "--db", "sqlite:cmtftp-demo/cmtftp.db", "--tftp-addr", "127.0.0.1:"+port, "--admin-addr", admin)
	if _, err := os.Stat(filepath.Join(dir, "cmtftp-demo", "cmtftp.db")); err != nil {
		t.Fatalf("demo database: %v", err)
	}
	out := mustCLI(t, admin, "device", "list")
	for _, want := range []string{"SEP0000DE000001  7961   SCCP", "7970", "7940", "7905", "7912", "8841", "12SP+"} {
		if !strings.Contains(out, want) {
			t.Errorf("device list lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "SEP0000DE"); n != 7 {
		t.Errorf("demo has %d devices, want 7", n)
	}
	mustCLI(t, admin, "line", "set", "4001", "--display-name", "Ada King")
	if out := mustCLI(t, admin, "line", "show", "4001", "-o", "json"); !strings.Contains(out, `"displayName": "Ada King"`) {
		t.Errorf("line after set: %s", out)
	}
	mustCLI(t, admin, "em", "login", "SEP0000DE000002", "ada-em")
	if out := mustCLI(t, admin, "em", "list"); !strings.Contains(out, "SEP0000DE000002  ada-em") {
		t.Errorf("em list: %s", out)
	}
	for _, plan := range []string{"7940", "79x1", "7905"} {
		if out := mustCLI(t, admin, "dialplan", "list"); !strings.Contains(out, plan) {
			t.Errorf("no %s dial plan in the demo:\n%s", plan, out)
		}
	}
	if out := mustCLI(t, admin, "profile", "list"); strings.Count(out, "-em") != 2 {
		t.Errorf("demo profiles:\n%s", out)
	}
}

// TestAdminCLI drives every record command and the error paths through the
// binary: what an admin types, and what they see when they get it wrong.
func TestAdminCLI(t *testing.T) {
	admin := freeTCP(t)
	startServe(t, nil, 1, "--root", t.TempDir(), "--tftp-addr", "127.0.0.1:"+strconv.Itoa(freePort(t)), "--admin-addr", admin)
	a := admin
	mustCLI(t, a, "server", "add", "cm1", "--host", "192.0.2.21")
	mustCLI(t, a, "server", "add", "cm2", "--host", "192.0.2.22", "--sip-port", "5080")
	mustCLI(t, a, "server", "add", "cm3", "--host", "cm3.example.net")
	mustCLI(t, a, "server", "add", "cm4", "--host", "2001:db8::4")
	failCLI(t, a, "servers: 4 servers, at most 3 allowed", "group", "add", "G1", "--servers", "cm1,cm2,cm3,cm4")
	failCLI(t, a, `server "nope" does not exist`, "group", "add", "G1", "--servers", "cm1,nope")
	mustCLI(t, a, "group", "add", "G1", "--servers", "cm2,cm1")
	mustCLI(t, a, "pool", "add", "HQ", "--group", "G1", "--time-zone", "GMT Standard/Daylight Time")
	mustCLI(t, a, "line", "add", "4001", "--display-name", "Ada & <Bob>", "--label", "Ada")
	mustCLI(t, a, "line", "add", "4002")
	mustCLI(t, a, "dialplan", "add", "office", "--family", "79x1", "--rule", "pattern=4...;timeout=0", "--rule", "*;timeout=5")
	mustCLI(t, a, "softkey", "add", "Std", "--set", "On Hook=Redial,NewCall", "--set", "Connected=Hold,EndCall")
	failCLI(t, a, `unknown soft key "Fly"`, "softkey", "add", "Bad", "--set", "On Hook=Fly")
	mustCLI(t, a, "sipprofile", "add", "SIP1", "--preferred-codec", "g722")
	mustCLI(t, a, "device", "add", "00:11:22:aa:bb:cc", "--model", "7961", "--pool", "HQ", "--line", "1=4001", "--line", "2=4002")
	mustCLI(t, a, "device", "add", "0011.22aa.bbcd", "--model", "8841", "--pool", "HQ", "--sip-profile", "SIP1",
		"--dial-plan", "office", "--softkey-template", "Std", "--line", "1=4001")
	failCLI(t, a, "already exists", "device", "add", "00-11-22-AA-BB-CC", "--model", "7961", "--pool", "HQ")
	failCLI(t, a, "'Z' is not a hex digit", "device", "add", "00:11:22:aa:bb:cZ", "--model", "7961", "--pool", "HQ")
	failCLI(t, a, "10 hex digits, want 12", "device", "add", "00:11:22:aa:bb", "--model", "7961", "--pool", "HQ")
	failCLI(t, a, `model "7999" does not exist`, "device", "add", "001122aabbce", "--model", "7999", "--pool", "HQ")
	failCLI(t, a, "model 8841 runs SIP, not SCCP", "device", "add", "001122aabbce", "--model", "8841", "--protocol", "SCCP", "--pool", "HQ")
	failCLI(t, a, `line "4999" does not exist`, "device", "add", "001122aabbce", "--model", "7961", "--pool", "HQ", "--line", "1=4999")

	out := mustCLI(t, a, "device", "list")
	if !strings.Contains(out, "SEP001122AABBCC  7961   SCCP      HQ    1:4001,2:4002") || !strings.Contains(out, "SEP001122AABBCD  8841   SIP") {
		t.Errorf("device list:\n%s", out)
	}
	if out := mustCLI(t, a, "device", "set", "00:11:22:AA:BB:CC", "--description", "lobby"); !strings.Contains(out, "changed device SEP001122AABBCC") {
		t.Errorf("device set: %s", out)
	}
	if out := mustCLI(t, a, "device", "set", "SEP001122AABBCC", "--description", "lobby"); !strings.Contains(out, "already had these values") {
		t.Errorf("device set, same value: %s", out)
	}
	var dev map[string]any
	if err := json.Unmarshal([]byte(mustCLI(t, a, "device", "show", "001122aabbcc", "-o", "json")), &dev); err != nil {
		t.Fatal(err)
	}
	if dev["description"] != "lobby" || dev["mac"] != "001122AABBCC" {
		t.Errorf("device show: %v", dev)
	}
	failCLI(t, a, `line "4001" is used by device`, "line", "rm", "4001")
	failCLI(t, a, "built-in catalogue", "model", "rm", "7961")
	mustCLI(t, a, "profile", "add", "ada-em", "--line", "1=4002", "--dial-plan", "office")
	mustCLI(t, a, "em", "login", "001122aabbcd", "ada-em")
	failCLI(t, a, `profile "ghost" does not exist`, "em", "login", "001122aabbcc", "ghost")
	mustCLI(t, a, "em", "logout", "SEP001122AABBCD")
	failCLI(t, a, "not found", "em", "logout", "SEP001122AABBCD")

	if out := mustCLI(t, a, "param", "set", "BuildCNFFiles", "build none"); !strings.Contains(out, "BuildCNFFiles = Build None") {
		t.Errorf("param set: %s", out)
	}
	failCLI(t, a, "not one of Build Selective, Build All, Build None", "param", "set", "BuildCNFFiles", "sometimes")
	failCLI(t, a, "out of range", "param", "set", "MaxServingCount", "0")
	failCLI(t, a, "no parameter named", "param", "set", "NoSuch", "1")
	if out := mustCLI(t, a, "param", "get", "MaxServingCount"); strings.TrimSpace(out) != "200" {
		t.Errorf("MaxServingCount default: %q", out)
	}
	mustCLI(t, a, "param", "set", "BuildCNFFiles", "--default")
	if out := mustCLI(t, a, "param", "get", "BuildCNFFiles"); strings.TrimSpace(out) != "Build Selective" {
		t.Errorf("BuildCNFFiles after reset: %q", out)
	}

	file := filepath.Join(t.TempDir(), "ring.raw")
	os.WriteFile(file, []byte{0, 1, 2, 0xff}, 0o644)
	mustCLI(t, a, "file", "put", "Ringtones/ring.raw", file)
	if out := mustCLI(t, a, "file", "list"); !strings.Contains(out, "Ringtones/ring.raw  4") {
		t.Errorf("file list: %s", out)
	}
	failCLI(t, a, "not a safe relative file name", "file", "put", "../x", file)

	// export → apply is a round trip: nothing changes, and the document
	// comes back byte for byte.
	site := mustCLI(t, a, "export")
	path := filepath.Join(t.TempDir(), "site.yaml")
	os.WriteFile(path, []byte(site), 0o644)
	if out := mustCLI(t, a, "apply", "-f", path); !strings.Contains(out, "0 created, 0 updated") {
		t.Errorf("apply of an export: %s", out)
	}
	if again := mustCLI(t, a, "export"); again != site {
		t.Errorf("export after apply differs")
	}
	// One bad record: nothing of the file is written.
	bad := strings.Replace(site, "name: G1", "name: G2", 1) + "\n"
	bad = strings.Replace(bad, "servers:\n  - name: cm1", "servers:\n  - name: cm9\n    host: \"bad host!\"\n  - name: cm1", 1)
	os.WriteFile(path, []byte(bad), 0o644)
	failCLI(t, a, `server "cm9": host`, "apply", "-f", path)
	if out := mustCLI(t, a, "group", "list"); strings.Contains(out, "G2") {
		t.Errorf("a failed apply wrote group G2:\n%s", out)
	}
	os.WriteFile(path, []byte("devices:\n  - name: SEP001122AABBCC\n    modle: 7961\n"), 0o644)
	failCLI(t, a, "field modle not found", "apply", "-f", path)

	failCLI(t, a, "connection refused", "device", "list", "--server", "127.0.0.1:1")
}

// TestAdminToken checks the token rules: required off loopback, enforced
// when set, never asked by /healthz.
func TestAdminToken(t *testing.T) {
	cmd := exec.Command(binary, "serve", "--root", t.TempDir(), "--tftp-addr", "127.0.0.1:0", "--db", "sqlite:"+filepath.Join(t.TempDir(), "x.db"),
		"--admin-addr", "0.0.0.0:0")
	cmd.Env = append(os.Environ(), "CMTFTP_ADMIN_TOKEN=")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "reachable from the network: set a token") {
		t.Fatalf("serve on 0.0.0.0 without a token: %v\n%s", err, out)
	}

	tokenFile := filepath.Join(t.TempDir(), "token")
	os.WriteFile(tokenFile, []byte("s3cret\n"), 0o600)
	admin := freeTCP(t)
	startServe(t, nil, 1, "--root", t.TempDir(), "--tftp-addr", "127.0.0.1:"+strconv.Itoa(freePort(t)), "--admin-addr", admin, "--admin-token-file", tokenFile)
	if _, errs, err := cli(t, admin, nil, "device", "list"); err == nil || !strings.Contains(errs, "bearer token") {
		t.Errorf("no token: %v %s", err, errs)
	}
	if _, errs, err := cli(t, admin, []string{"CMTFTP_ADMIN_TOKEN=wrong"}, "device", "list"); err == nil || !strings.Contains(errs, "bearer token") {
		t.Errorf("wrong token: %v %s", err, errs)
	}
	if out, errs, err := cli(t, admin, []string{"CMTFTP_ADMIN_TOKEN=s3cret"}, "device", "list"); err != nil || !strings.HasPrefix(out, "NAME") {
		t.Errorf("right token: %v %s %s", err, out, errs)
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/api/v1/devices": 401, "/api/v1/params": 401} {
		resp, err := http.Get(fmt.Sprintf("http://%s%s", admin, path))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s without a token: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// TestExampleSite applies examples/site.yaml, which documents the format:
// it must stay valid, and apply must be idempotent on it.
func TestExampleSite(t *testing.T) {
	admin := freeTCP(t)
	startServe(t, nil, 1, "--root", t.TempDir(), "--tftp-addr", "127.0.0.1:"+strconv.Itoa(freePort(t)), "--admin-addr", admin)
	out := mustCLI(t, admin, "apply", "-f", "../examples/site.yaml")
	if !strings.Contains(out, "created") || strings.Contains(out, " 0 created") {
		t.Fatalf("apply example: %s", out)
	}
	if again := mustCLI(t, admin, "apply", "-f", "../examples/site.yaml"); !strings.Contains(again, "0 created, 0 updated") {
		t.Errorf("second apply of the example changed things: %s", again)
	}
	exp := mustCLI(t, admin, "export")
	for _, want := range []string{"name: 8865-lab", "family: \"7905\"", "profile: ada-em", "base64: f39/f39/AAAA", "<CiscoIPPhoneImageList>",
		"name: SKIGW1122334405", "DtmfRelay: nte-ca", "product: NIM-2FXO"} {
		if !strings.Contains(exp, want) {
			t.Errorf("export lacks %q", want)
		}
	}
}
