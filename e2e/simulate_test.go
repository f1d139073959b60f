package e2e

import (
	"encoding/json"
	"errors"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"cmtftp/internal/device"
)

// simulate runs "cmtftp simulate --json" and decodes its report; it
// returns the exit status too.
func simulate(t *testing.T, out any, args ...string) int {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"simulate", "--json"}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	if jerr := json.Unmarshal(b, out); jerr != nil {
		t.Fatalf("simulate %q: %v\nstdout %s\nstderr %s", args, jerr, b, stderr.String())
	}
	return cmd.ProcessState.ExitCode()
}

// TestSimulateDemo boots every demo device with "cmtftp simulate" against
// "cmtftp serve --demo": each exits 0, configured, with its family's
// files; from an older load, each fetches its configured one; over HTTP
// the files come from port 6970's stand-in; a device with no file to boot
// from exits 1 with its cause; and a storm of the demo's MACs.
func TestSimulateDemo(t *testing.T) {
	dir := t.TempDir()
	port := strconv.Itoa(freePort(t))
	httpAddr := freeTCP(t)
	startServeIn(t, dir, nil, 1, "--demo", "--db", "sqlite:cmtftp-demo/cmtftp.db", "--tftp-addr", "127.0.0.1:"+port, "--http-addr", httpAddr)
	server := "127.0.0.1:" + port
	_, httpPort, _ := strings.Cut(httpAddr, ":")
	for _, d := range []struct {
		mac, model, protocol, config, load string
	}{
		{"0000DE000001", "7961", "sccp", "SEP0000DE000001.cnf.xml", "SCCP41.9-4-2SR3-1S"},
		{"0000DE000002", "7970", "sip", "SEP0000DE000002.cnf.xml", "SIP70.9-4-2SR3-1S"},
		{"0000DE000003", "7940", "sip", "SIP0000DE000003.cnf", "P0S3-08-12-00"},
		{"0000DE000004", "7905", "sip", "ld0000de000004", "CP7905080003SIP070409A"},
		{"0000DE000005", "7912", "sip", "gk0000de000005", "CP7912080003SIP070409A"},
		{"0000DE000006", "8841", "sip", "SEP0000DE000006.cnf.xml", "sip88xx.14-2-1-0001-50"},
		{"0000DE000007", "12SP+", "sccp", "SEP0000DE000007.cnf", ""},
	} {
		args := []string{"--mac", d.mac, "--model", d.model, "--protocol", d.protocol, "--tftp", server}
		for _, mode := range [][]string{{}, {"--load", "OLD"}, {"--via", "http", "--http-port", httpPort}} {
			var r device.Report
			if code := simulate(t, &r, append(args, mode...)...); code != 0 || r.Outcome != device.Configured {
				t.Fatalf("%s %q: exit %d, %s: %s", d.model, mode, code, r.Outcome, r.Detail)
			}
			if r.Config != d.config || r.LoadID != d.load || len(r.CallManagers) == 0 || !slices.Contains(r.Names(), d.config) {
				t.Errorf("%s %q: config %q, load %q, call control %v, names %q", d.model, mode, r.Config, r.LoadID, r.CallManagers, r.Names())
			}
			if upgrade := len(mode) == 2 && mode[0] == "--load"; r.Upgraded != (upgrade && d.load != "") {
				t.Errorf("%s %q: upgraded %v", d.model, mode, r.Upgraded)
			}
			if len(mode) == 4 && r.Steps[0].Proto != "http" {
				t.Errorf("%s over HTTP: first step %+v", d.model, r.Steps[0])
			}
		}
	}
	var r device.Report
	if code := simulate(t, &r, "--mac", "0011AA000001", "--model", "7905", "--protocol", "sip", "--tftp", server); code != 1 || r.Cause != device.CauseNoConfig {
		t.Errorf("a 7905 with no profile: exit %d, %s %s", code, r.Outcome, r.Cause)
	}
	var s device.StormReport
	if code := simulate(t, &s, "--storm", "50", "--mac-prefix", "0000DE", "--concurrency", "10", "--tftp", server); code != 0 || s.Configured != 50 {
		t.Errorf("storm: exit %d, %d of %d configured, %v", code, s.Configured, s.Total, s.Failures)
	}
}
