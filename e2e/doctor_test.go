package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// doctorReport is what the test reads of "cmtftp doctor --json".
type doctorReport struct {
	Findings []struct {
		Severity, Check, Detail string
	}
	Devices, Configured          int
	Gateways, GatewaysConfigured int
}

// failures lists the checks that failed, with their details.
func (r doctorReport) failures() map[string]string {
	f := map[string]string{}
	for _, x := range r.Findings {
		if x.Severity == "fail" || x.Severity == "warn" {
			f[x.Check] += x.Detail + "; "
		}
	}
	return f
}

// TestDoctor runs "cmtftp doctor" against "serve --demo": a healthy demo
// passes every check; then a load's .loads file goes missing, a root file
// becomes writable by anyone and a SIP line gets a password — and doctor
// fails, naming each; and an ATA 190 whose only port is its second gets
// no first file, which doctor names too.
func TestDoctor(t *testing.T) {
	dir := t.TempDir()
	admin, port := freeTCP(t), freePort(t)
	startServeIn(t, dir, nil, 1, "--demo", "--tftp-addr", "127.0.0.1:"+strconv.Itoa(port), "--admin-addr", admin,
		"--db", "sqlite:"+filepath.Join(dir, "site.db"))
	root := filepath.Join(dir, "cmtftp-demo", "tftp")
	args := []string{"doctor", "--json", "--tftp", "127.0.0.1:" + strconv.Itoa(port), "--http-port", "-1",
		"--root", root, "--db", "sqlite:" + filepath.Join(dir, "site.db"), "--timeout", "1s"}
	doctor := func(wantOK bool) doctorReport {
		t.Helper()
		out, errs, err := cli(t, admin, nil, args...)
		var r doctorReport
		if jerr := json.Unmarshal([]byte(out), &r); jerr != nil || (err == nil) != wantOK {
			t.Fatalf("doctor: %v (want ok %v), %v\n%s%s", err, wantOK, jerr, out, errs)
		}
		return r
	}
	r := doctor(true)
	if f := r.failures(); len(f) != 0 || r.Devices != 7 || r.Configured != 7 || r.Gateways != 3 || r.GatewaysConfigured != 3 {
		t.Fatalf("the demo: %d of %d devices and %d of %d gateways configured, findings %v; want all and none",
			r.Configured, r.Devices, r.GatewaysConfigured, r.Gateways, f)
	}

	os.Remove(filepath.Join(root, "SCCP41.9-4-2SR3-1S.loads"))
	os.Chmod(filepath.Join(root, "RingList.xml"), 0o666)
	mustCLI(t, admin, "line", "set", "4002", "--auth-password", "s3cret")
	mustCLI(t, admin, "gateway", "add", "--model", "ATA190", "--mac", "00:00:de:00:00:b9", "--group", "Demo-Group", "--endpoint", "0/0/1=4100")
	// The load cache follows the disk through file events: wait until the
	// server no longer has the file.
	var f map[string]string
	waitUntil(t, func() bool { f = doctor(false).failures(); return f["loads"] != "" })
	for check, want := range map[string]string{"loads": "SCCP41.9-4-2SR3-1S.loads", "TFTP root": "RingList.xml", "passwords": "0000DE000002",
		"gateway boot": "ATA0000DE0000B9"} {
		if !strings.Contains(f[check], want) {
			t.Errorf("doctor's %q finding: %q, want it to name %s (all: %v)", check, f[check], want, f)
		}
	}
}
