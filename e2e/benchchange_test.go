package e2e

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchChangeRow is a row of "cmtftp bench change --json".
type benchChangeRow struct {
	Server      string        `json:"server"`
	Write       string        `json:"write"`
	Count       int           `json:"count"`
	Timeouts    int           `json:"timeouts"`
	FetchErrors int           `json:"fetch_errors"`
	P50         time.Duration `json:"p50_ns"`
	P99         time.Duration `json:"p99_ns"`
	Max         time.Duration `json:"max_ns"`
}

// benchChange runs "cmtftp bench change ARGS --json" and decodes its report.
func benchChange(t *testing.T, args ...string) (rows []benchChangeRow, timeouts int, err error) {
	t.Helper()
	out, err := exec.Command(binary, append([]string{"bench", "change", "--json"}, args...)...).Output()
	var rep struct {
		Timeouts int              `json:"timeouts"`
		Rows     []benchChangeRow `json:"rows"`
	}
	if jerr := json.Unmarshal(out, &rep); jerr != nil {
		t.Fatalf("bench change %v: %v (%v)\n%s", args, jerr, err, out)
	}
	return rep.Rows, rep.Timeouts, err
}

// TestBenchChange: on one real server (SQLite), "cmtftp bench change"
// renames lines through the admin API and with plain SQL, sees each
// device file served new over TFTP and HTTP, and reports latencies above
// 0 and below the bound; a rename the file does not show (a line on no
// device) is reported as a timeout and fails the run.
func TestBenchChange(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "site.db")
	tftp, httpAddr, admin := "127.0.0.1:"+strconv.Itoa(freePort(t)), freeTCP(t), freeTCP(t)
	startServe(t, nil, 1, "--root", t.TempDir(), "--db", "sqlite:"+db, "--tftp-addr", tftp, "--http-addr", httpAddr, "--admin-addr", admin)
	mustCLI(t, admin, "apply", "-f", "../examples/site.yaml")
	var csv strings.Builder
	csv.WriteString("MAC ADDRESS,DESCRIPTION,DEVICE TYPE,DEVICE PROTOCOL,DEVICE POOL,SIP PROFILE,DIAL PLAN,SOFTKEY TEMPLATE,DIRECTORY NUMBER 1,DISPLAY 1\n")
	for k := range 3 {
		fmt.Fprintf(&csv, "0022AA%06X,bench %d,Cisco 8841,SIP,HQ,Standard SIP Profile,hq-79x1,Standard-User,%d,User %d\n", k, k, 10000000+k, k)
	}
	mustCLI(t, admin, "import", writeFile(t, csv.String()))
	mustCLI(t, admin, "line", "add", "30000000", "--display-name", "on no device")

	const bound = 3 * time.Second
	common := []string{"--server", "T=" + tftp, "--server", "H=http://" + httpAddr, "--bound", bound.String()}
	rows, timeouts, err := benchChange(t, append(common, "--write", "api=api:http://"+admin, "--write", "sql=sql:sqlite:"+db,
		"--devices", "3", "--changes", "6")...)
	if err != nil || timeouts != 0 {
		t.Fatalf("bench change: %v, %d timeouts; %+v", err, timeouts, rows)
	}
	t.Logf("%+v", rows)
	want := map[string]int{"T/api": 3, "T/sql": 3, "T/all": 6, "H/api": 3, "H/sql": 3, "H/all": 6, "all/all": 12}
	for _, r := range rows {
		key := r.Server + "/" + r.Write
		if r.Count != want[key] || r.Timeouts != 0 || r.P50 <= 0 || r.P50 > r.P99 || r.P99 > r.Max || r.Max >= bound {
			t.Errorf("%s: %+v, want %d changes each served new within (0, %v)", key, r, want[key], bound)
		}
		delete(want, key)
	}
	if len(want) > 0 {
		t.Errorf("rows missing: %v", want)
	}
	if out := mustCLI(t, admin, "line", "show", "10000002", "-o", "json"); !strings.Contains(out, `"displayName": "chg`) {
		t.Errorf("line 10000002 after the run:\n%s", out)
	}

	rows, timeouts, err = benchChange(t, append(common, "--write", "api:http://"+admin, "--line", "3%07d", "--devices", "1",
		"--changes", "1", "--bound", "300ms")...)
	if err == nil || timeouts != 2 || len(rows) == 0 || rows[len(rows)-1].Max != 300*time.Millisecond {
		t.Errorf("a change no file shows: %v, %d timeouts, %+v; want both servers timed out at the bound and an error", err, timeouts, rows)
	}
}
