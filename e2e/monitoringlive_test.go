package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/tftpclient"
)

// TestMonitoringLive runs Debian's Prometheus against a demo server with
// the alert rules (their waits cut to nothing): the rules evaluate without
// errors, the alerts of what is wrong with that server fire (a remote
// cluster on a closed port; a known device asking for a file the server
// lacks) and no other does; and every dashboard query evaluates to series.
func TestMonitoringLive(t *testing.T) {
	bin := needTool(t, "prometheus")
	tftpAddr, admin := demoWithRemoteDown(t)
	prom := startPrometheus(t, bin, admin)
	waitFor(t, 30*time.Second, "a first scrape", func() bool { return len(promQuery(t, prom, `cmtftp_store_up{job="cmtftp"}`)) == 1 })
	c := &tftpclient.Client{Timeout: time.Second, Retries: 2}
	for range 5 {
		c.Get(t.Context(), tftpAddr, "SEP0000DE000001.missing", io.Discard) // the demo's 7961: a known device
	}
	want := []string{"CmtftpKnownDeviceNotFound", "CmtftpRemoteClusterDown", "CmtftpRemoteServerDown"}
	var firing []string
	for deadline := time.Now().Add(30 * time.Second); !slices.Equal(firing, want); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("alerts firing or pending: %q, want %q", firing, want)
		}
		firing = promFiring(t, prom)
	}
	for where, expr := range dashboardExprs(t) {
		q := strings.NewReplacer("$__rate_interval", "1m", "$job", "cmtftp", "$instance", ".*").Replace(expr)
		if len(promQuery(t, prom, q)) == 0 {
			t.Errorf("%s: no series: %s", where, q)
		}
	}
}

// startPrometheus runs Prometheus on a free loopback port, scraping the
// server's admin address every second as job cmtftp with the alert rules
// (every for: set to 0s), and returns its base URL once it is ready.
func startPrometheus(t *testing.T, bin, admin string) string {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(alertRules)
	if err != nil {
		t.Fatal(err)
	}
	rules := regexp.MustCompile(`(?m)^(\s+)for: \S+$`).ReplaceAll(b, []byte("${1}for: 0s"))
	if err := os.WriteFile(filepath.Join(dir, "rules.yml"), rules, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("global: {scrape_interval: 1s, evaluation_interval: 1s}\nrule_files: [%q]\n"+
		"scrape_configs:\n  - job_name: cmtftp\n    static_configs: [{targets: [%q]}]\n", filepath.Join(dir, "rules.yml"), admin)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeTCP(t)
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop(cmd)
		if t.Failed() {
			t.Logf("prometheus:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	waitFor(t, 30*time.Second, "Prometheus to be ready", func() bool {
		resp, err := http.Get(base + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return base
}

// promAPI GETs a Prometheus API path and decodes its data into v; a
// query Prometheus refuses fails the test.
func promAPI(t *testing.T, base, path string, v any) {
	t.Helper()
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Status, Error string
		Data          json.RawMessage
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if r.Status != "success" {
		t.Fatalf("%s: %s %s", path, r.Status, r.Error)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// promQuery returns the series an instant query gives.
func promQuery(t *testing.T, base, q string) []json.RawMessage {
	t.Helper()
	var d struct{ Result []json.RawMessage }
	promAPI(t, base, "/api/v1/query?query="+url.QueryEscape(q), &d)
	return d.Result
}

// promFiring returns the names of the alerts firing or pending, sorted,
// once each, and fails the test on a rule whose evaluation failed.
func promFiring(t *testing.T, base string) []string {
	t.Helper()
	var d struct {
		Groups []struct {
			Rules []struct {
				Name, Health, LastError string
				Alerts                  []struct{ State string }
			}
		}
	}
	promAPI(t, base, "/api/v1/rules?type=alert", &d)
	var out []string
	for _, g := range d.Groups {
		for _, r := range g.Rules {
			if r.Health == "err" {
				t.Fatalf("rule %s: %s", r.Name, r.LastError)
			}
			if len(r.Alerts) > 0 {
				out = append(out, r.Name)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
