package metrics

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestLintFails: Lint finds each class of mistake it is there for. The
// lint of the real registry is the assembly's test.
func TestLintFails(t *testing.T) {
	r := prometheus.NewRegistry()
	bad := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "requests", Help: "no _total"}, []string{"file"})
	bad.WithLabelValues("SEP001122334455.cnf.xml").Inc()
	r.MustRegister(bad)
	err := Lint(r)
	if err == nil {
		t.Fatal("Lint passed a bad registry")
	}
	for _, want := range []string{"unbounded-looking label", "promlint: cmtftp_requests", "BuildCount: metric cmtftp_builds_total is not published"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Lint error lacks %q:\n%v", want, err)
		}
	}
}

// TestCiscoNames: every RTMT counter maps to a metric of our namespace,
// and each name appears once.
func TestCiscoNames(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range CiscoNames() {
		if seen[c.Name] {
			t.Errorf("%s listed twice", c.Name)
		}
		seen[c.Name] = true
		if !strings.HasPrefix(c.Metric, Namespace+"_") {
			t.Errorf("%s: metric %s outside the namespace", c.Name, c.Metric)
		}
	}
	if len(seen) < 30 {
		t.Errorf("only %d counters", len(seen))
	}
}
