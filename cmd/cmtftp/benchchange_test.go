package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestBenchChangeSpecs: labels come before the first ":" only (a DSN's
// query holds "="); bad --server and --write values are refused.
func TestBenchChangeSpecs(t *testing.T) {
	for _, tc := range []struct{ in, label, rest string }{
		{"A=127.0.0.1:69", "A", "127.0.0.1:69"},
		{"127.0.0.1:69", "", "127.0.0.1:69"},
		{"sql=sql:postgres://u@h/db?sslmode=disable", "sql", "sql:postgres://u@h/db?sslmode=disable"},
		{"sql:postgres://u@h/db?sslmode=disable", "", "sql:postgres://u@h/db?sslmode=disable"},
		{"B-api=api:http://127.0.0.1:6980", "B-api", "api:http://127.0.0.1:6980"},
	} {
		if label, rest := splitLabel(tc.in, ""); label != tc.label || rest != tc.rest {
			t.Errorf("splitLabel(%q) = %q, %q; want %q, %q", tc.in, label, rest, tc.label, tc.rest)
		}
	}
	for _, bad := range []string{"A=nohost", "nohost"} {
		if _, err := parseChangeTarget(bad); err == nil {
			t.Errorf("--server %q accepted", bad)
		}
	}
	for _, bad := range []string{"api", "A=http://127.0.0.1:1", "x=sql:mysql://h/db", "ftp:x"} {
		if _, err := openChangeWriter(context.Background(), bad); err == nil {
			t.Errorf("--write %q accepted", bad)
		}
	}
}

// TestChangePercentiles: nearest-rank percentiles; a timeout counts as the
// bound.
func TestChangePercentiles(t *testing.T) {
	cfg := changeConfig{Targets: []changeTarget{{label: "A"}}, Writes: []changeWriter{{label: "w"}}, Changes: 100, Bound: time.Second}
	var all []changeSample
	for i := 1; i <= 99; i++ {
		all = append(all, changeSample{took: time.Duration(i) * time.Millisecond, errs: i % 2})
	}
	all = append(all, changeSample{took: time.Second, timedOut: true})
	rep := summarize(cfg, all)
	if rep.Timeouts != 1 || len(rep.Rows) != 3 {
		t.Fatalf("%+v", rep)
	}
	for _, r := range rep.Rows {
		if r.Count != 100 || r.Timeouts != 1 || r.FetchErrors != 50 || r.P50 != 50*time.Millisecond || r.P99 != 99*time.Millisecond || r.Max != time.Second {
			t.Errorf("%s/%s: %+v", r.Server, r.Write, r)
		}
	}
	if names := rep.Rows[0].Server + rep.Rows[0].Write + " " + rep.Rows[2].Server + rep.Rows[2].Write; !strings.HasPrefix(names, "Aw ") {
		t.Errorf("rows in the wrong order: %q", names)
	}
}

// TestSummarizeMissingRows: a run that ended before every write path was
// used (one sample, three writes) still gives its report, with rows only
// for what was measured.
func TestSummarizeMissingRows(t *testing.T) {
	cfg := changeConfig{Targets: []changeTarget{{label: "A"}, {label: "B"}},
		Writes: []changeWriter{{label: "A-api"}, {label: "B-api"}, {label: "sql"}}, Changes: 200, Bound: time.Second}
	rep := summarize(cfg, []changeSample{{took: 5 * time.Millisecond, server: 0, w: 0}})
	if rep == nil || len(rep.Rows) != 3 { // A×A-api, A over all, all over all
		t.Fatalf("report %+v, want 3 rows", rep)
	}
}
