package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"go.yaml.in/yaml/v3"

	"cmtftp/internal/tftpclient"
)

// Where the monitoring files are, from the e2e folder.
const (
	alertRules     = "../deploy/prometheus/cmtftp-alerts.yml"
	alertRuleTests = "../deploy/prometheus/cmtftp-alerts.test.yml"
	dashboard      = "../deploy/grafana/cmtftp.json"
)

// TestMonitoringRules checks deploy/: promtool accepts the alert rules and
// passes their unit tests, the dashboard's queries are valid PromQL, and
// every metric a rule or a dashboard query names is one that a demo
// server exports on /metrics — after the traffic that makes every series
// appear (a remote cluster that is down, a request it was asked for).
func TestMonitoringRules(t *testing.T) {
	promtool := needTool(t, "promtool")
	runTool(t, promtool, "check", "rules", alertRules)
	runTool(t, promtool, "test", "rules", alertRuleTests)

	rules := ruleExprs(t)
	panels := dashboardExprs(t)
	if len(rules) < 6 || len(panels) < 20 {
		t.Fatalf("%d rules and %d dashboard queries: deploy/ lost some", len(rules), len(panels))
	}
	checkDashboardSyntax(t, promtool, panels)

	_, admin := demoWithRemoteDown(t)
	exported := exportedNames(scrapeFamilies(t, admin))
	for _, set := range []map[string]string{rules, panels} {
		for where, expr := range set {
			unknown, err := unknownMetrics(expr, exported)
			if err != nil {
				t.Errorf("%s: %v\n%s", where, err, expr)
			}
			for _, name := range unknown {
				t.Errorf("%s names %s, which the server does not export", where, name)
			}
		}
	}
}

func runTool(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// ruleExprs returns the expression of every alert and recording rule,
// keyed by the rule's name.
func ruleExprs(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(alertRules)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Groups []struct {
			Rules []struct{ Alert, Record, Expr string }
		}
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			out["rule "+r.Alert+r.Record] = r.Expr
		}
	}
	return out
}

// grafanaPanel is what the test reads of a dashboard panel.
type grafanaPanel struct {
	Title   string
	Targets []struct{ Expr string }
	Panels  []grafanaPanel // a collapsed row's
}

// labelValues is Grafana's variable query label_values(EXPR, LABEL).
var labelValues = regexp.MustCompile(`^label_values\((.*),\s*[a-zA-Z_]\w*\)$`)

// dashboardExprs returns every PromQL expression of the dashboard: its
// panels' targets and its variables' label_values queries.
func dashboardExprs(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(dashboard)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels     []grafanaPanel
		Templating struct {
			List []struct {
				Name, Type string
				Query      json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var walk func([]grafanaPanel)
	walk = func(ps []grafanaPanel) {
		for _, p := range ps {
			for i, tg := range p.Targets {
				out[fmt.Sprintf("panel %q target %d", p.Title, i)] = tg.Expr
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		var q struct{ Query string }
		if err := json.Unmarshal(v.Query, &q); err != nil {
			t.Fatalf("variable %s: %v", v.Name, err)
		}
		m := labelValues.FindStringSubmatch(q.Query)
		if m == nil {
			t.Fatalf("variable %s: %q is not label_values(EXPR, LABEL)", v.Name, q.Query)
		}
		out["variable "+v.Name] = m[1]
	}
	return out
}

// grafanaVariables stand in for the dashboard's variables so that
// promtool can parse its queries.
var grafanaVariables = strings.NewReplacer("$__rate_interval", "5m", "$job", ".*", "$instance", ".*")

// checkDashboardSyntax has promtool parse every dashboard query, as the
// expressions of recording rules of a file of its own.
func checkDashboardSyntax(t *testing.T, promtool string, exprs map[string]string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("groups:\n  - name: dashboard\n    rules:\n")
	i := 0
	for where, e := range exprs {
		i++
		q, err := json.Marshal(grafanaVariables.Replace(e)) // a JSON string is a YAML string
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "      # %s\n      - record: dashboard_query_%d\n        expr: %s\n", where, i, q)
	}
	p := filepath.Join(t.TempDir(), "dashboard-rules.yml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	runTool(t, promtool, "check", "rules", p)
}

// demoWithRemoteDown starts a demo server with a remote cluster whose one
// server is a closed loopback port, asks it for a file it lacks (so the
// remote is asked, fails and is marked down) and returns its TFTP and
// admin addresses once cmtftp_remote_up says so.
func demoWithRemoteDown(t *testing.T) (tftp, admin string) {
	t.Helper()
	tftpAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	admin = freeTCP(t)
	startServeIn(t, t.TempDir(), nil, 1, "--demo", "--db", "sqlite:cmtftp-demo/cmtftp.db", "--tftp-addr", tftpAddr,
		"--http-addr", freeTCP(t), "--admin-addr", admin, "--remote-timeout", "700ms")
	mustCLI(t, admin, "remote", "add", "DOWN", "--servers", closedPort(t))
	c := &tftpclient.Client{Timeout: time.Second, Retries: 2}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if remoteUp(t, admin) == "0" {
			return tftpAddr, admin
		}
		if time.Now().After(deadline) {
			t.Fatalf("cmtftp_remote_up of cluster DOWN never went 0 (%q)", remoteUp(t, admin))
		}
		c.Get(t.Context(), tftpAddr, "NoSuchFile.bin", io.Discard) // not found here: the remote is asked
	}
}

// remoteUp is the value cmtftp_remote_up has for cluster DOWN, or "".
func remoteUp(t *testing.T, admin string) string {
	for _, m := range scrape(t, admin)["cmtftp_remote_up"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "cluster" && l.GetValue() == "DOWN" {
				return strconv.FormatFloat(m.GetGauge().GetValue(), 'g', -1, 64)
			}
		}
	}
	return ""
}

// closedPort returns a loopback TCP address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// scrapeFamilies returns the metric families of /metrics and their types.
func scrapeFamilies(t *testing.T, admin string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, f := range scrape(t, admin) {
		out[name] = f.GetType().String()
	}
	return out
}

// TestMonitoringStoreDown: cmtftp_store_up follows a PostgreSQL that an
// admin stops and starts again, and cmtftp_change_feed_head_id is there
// only while the database answers.
func TestMonitoringStoreDown(t *testing.T) {
	pg := startOwnPostgres(t)
	admin := freeTCP(t)
	startServe(t, nil, 1, "--root", t.TempDir(), "--db", pg.dsn, "--tftp-addr", "127.0.0.1:"+strconv.Itoa(freePort(t)),
		"--admin-addr", admin)
	for _, step := range []struct {
		what   func()
		up     float64
		heads  int
		during string
	}{
		{func() {}, 1, 1, "with PostgreSQL running"},
		{pg.stop, 0, 0, "with PostgreSQL stopped"},
		{pg.start, 1, 1, "with PostgreSQL started again"},
	} {
		step.what()
		var up float64
		var heads int
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			fams := scrape(t, admin)
			up = gaugeOf(t, fams["cmtftp_store_up"])
			heads = len(fams["cmtftp_change_feed_head_id"].GetMetric())
			if up == step.up && heads == step.heads {
				break
			}
		}
		if up != step.up || heads != step.heads {
			t.Fatalf("%s: cmtftp_store_up %v and %d head series, want %v and %d", step.during, up, heads, step.up, step.heads)
		}
	}
}

// gaugeOf is the value of a family of one gauge series.
func gaugeOf(t *testing.T, f *dto.MetricFamily) float64 {
	t.Helper()
	if len(f.GetMetric()) != 1 {
		t.Fatalf("%s: %d series, want 1", f.GetName(), len(f.GetMetric()))
	}
	return f.GetMetric()[0].GetGauge().GetValue()
}

// TestMonitoringDocs: docs/monitoring.md lists every cmtftp_ metric a
// demo server with a remote cluster exports, so the page an admin reads
// does not fall behind the server.
func TestMonitoringDocs(t *testing.T) {
	b, err := os.ReadFile("../docs/monitoring.md")
	if err != nil {
		t.Fatal(err)
	}
	_, admin := demoWithRemoteDown(t)
	for name := range scrapeFamilies(t, admin) {
		if strings.HasPrefix(name, "cmtftp_") && !strings.Contains(string(b), "| `"+name+"` |") {
			t.Errorf("docs/monitoring.md lacks a row for %s in its metrics table", name)
		}
	}
}

// TestMonitoringShape: every alert waits (for:), has a severity Alertmanager
// can route and annotations an admin can act on; every dashboard panel and
// query uses the data source variable, and every metric a query selects is
// filtered by the job and instance variables.
func TestMonitoringShape(t *testing.T) {
	b, err := os.ReadFile(alertRules)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Groups []struct {
			Rules []struct {
				Alert, For, Expr    string
				Labels, Annotations map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	severities := map[string]bool{"critical": true, "warning": true, "info": true}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if !strings.HasPrefix(r.Alert, "Cmtftp") || r.For == "" || !severities[r.Labels["severity"]] ||
				len(r.Annotations["summary"]) < 20 || len(r.Annotations["description"]) < 80 {
				t.Errorf("alert %q: for %q, severity %q, summary %q, description of %d bytes", r.Alert, r.For,
					r.Labels["severity"], r.Annotations["summary"], len(r.Annotations["description"]))
			}
		}
	}
	checkDashboardShape(t)
}

// selector is a metric name and its label matchers in a dashboard query.
var selector = regexp.MustCompile(`\b(?:cmtftp|process|go)_\w*(\{[^}]*\})?`)

func checkDashboardShape(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile(dashboard)
	if err != nil {
		t.Fatal(err)
	}
	type source struct{ Type, UID string }
	var d struct {
		Inputs     []struct{ Name, Type string } `json:"__inputs"`
		Templating struct{ List []struct{ Name, Type string } }
		Panels     []struct {
			ID         int
			Type       string
			Datasource *source
			GridPos    struct{ X, W int }
			Targets    []struct {
				Expr       string
				Datasource *source
			}
		}
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.Type
	}
	if len(d.Inputs) != 1 || d.Inputs[0].Name != "DS_PROMETHEUS" || vars["DS_PROMETHEUS"] != "datasource" ||
		vars["job"] != "query" || vars["instance"] != "query" {
		t.Errorf("inputs %v, variables %v: want the DS_PROMETHEUS input and variable, job and instance", d.Inputs, vars)
	}
	ds := source{"prometheus", "${DS_PROMETHEUS}"}
	ids := map[int]bool{}
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d twice", p.ID)
		}
		ids[p.ID] = true
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || *p.Datasource != ds || p.GridPos.X+p.GridPos.W > 24 {
			t.Errorf("panel %d: data source %v, x %d + w %d", p.ID, p.Datasource, p.GridPos.X, p.GridPos.W)
		}
		for _, tg := range p.Targets {
			if tg.Datasource == nil || *tg.Datasource != ds {
				t.Errorf("query %q: data source %v", tg.Expr, tg.Datasource)
			}
			for _, m := range selector.FindAllStringSubmatch(tg.Expr, -1) {
				if !strings.Contains(m[1], `job=~"$job"`) || !strings.Contains(m[1], `instance=~"$instance"`) {
					t.Errorf("query %q: %s not filtered by $job and $instance", tg.Expr, m[0])
				}
			}
		}
	}
}
