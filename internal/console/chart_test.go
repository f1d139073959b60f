package console

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// series returns n points ending at end, 10 s apart, with values v(i).
func series(end time.Time, n int, v func(i int) float64) []point {
	out := make([]point, n)
	for i := range n {
		out[i] = point{at: end.Add(-time.Duration(n-1-i) * 10 * time.Second), value: v(i)}
	}
	return out
}

func TestChartGolden(t *testing.T) {
	end := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		title string
		lines []chartLine
	}{
		{"empty", "Requests/s", []chartLine{{Class: "main"}}},
		{"ramp", "Builds/s", []chartLine{{Class: "main", Points: series(end, 360, func(i int) float64 { return float64(i%60) / 4 })}}},
		{"serving", "Serving now", []chartLine{
			{Class: "limit", Label: "limit", Points: series(end, 30, func(int) float64 { return 200 })},
			{Class: "main", Label: "in progress", Points: series(end, 30, func(i int) float64 { return float64(i * i % 170) })}}},
		{"old", "Busy/s <&>", []chartLine{{Class: "main", Points: series(end, 400, func(i int) float64 { return float64(i) })}}},
	} {
		got := chartSVG(tc.name, tc.title, end, tc.lines)
		path := filepath.Join("testdata", "chart-"+filepath.Base(tc.name)+".svg")
		if *update {
			if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got+"\n" != string(want) {
			t.Errorf("%s: differs from %s (go test -update rewrites it):\n%s", tc.name, path, got)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{
		{0, 1}, {0.4, 1}, {1, 1}, {1.2, 2}, {3, 5}, {7, 10}, {10, 10}, {11, 20}, {180, 200}, {201, 500}, {999, 1000},
	} {
		if got := niceCeil(tc.in); got != tc.want {
			t.Errorf("niceCeil(%g) = %g, want %g", tc.in, got, tc.want)
		}
	}
}

func TestFormatting(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{number(5), "5"}, {number(0.25), "0.25"}, {number(1.0 / 3), "0.33"},
		{humanBytes(0), "0 B"}, {humanBytes(1023), "1023 B"}, {humanBytes(1536), "1.5 KiB"},
		{humanBytes(4 << 20), "4.0 MiB"}, {humanBytes(3 << 30), "3.0 GiB"}, {humanBytes(5 << 40), "5120.0 GiB"},
		{escapePath("Desktops/80x53x1/my bg.png"), "Desktops/80x53x1/my%20bg.png"},
		{when(time.Time{}), "—"}, {millis(1500 * time.Microsecond), "1.5 ms"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	for _, name := range []string{"a/../b", "../x", "a//b", "./a", ""} {
		if _, err := nameInPath("/api/v1/files/", name); err == nil {
			t.Errorf("nameInPath took %q", name)
		}
	}
}

func TestSampler(t *testing.T) {
	reg := prometheus.NewRegistry()
	tftp := prometheus.NewCounter(prometheus.CounterOpts{Name: "cmtftp_tftp_requests_total", Help: "h"})
	http := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cmtftp_http_requests_total", Help: "h"}, []string{"result"})
	inUse := prometheus.NewGauge(prometheus.GaugeOpts{Name: "cmtftp_serving_slots_in_use", Help: "h"})
	reg.MustRegister(tftp, http, inUse)
	s := newSampler(reg)
	t0 := time.Unix(1e9, 0)
	s.sample(t0)
	tftp.Add(30)
	http.WithLabelValues("processed").Add(10)
	http.WithLabelValues("not_found").Add(10)
	inUse.Set(7)
	s.sample(t0.Add(10 * time.Second))
	pts, gen := s.snapshot()
	last := func(id string) float64 {
		for i, d := range chartSeries {
			if d.id == id {
				return pts[i][len(pts[i])-1].value
			}
		}
		t.Fatalf("no series %s", id)
		return 0
	}
	if gen != 2 || last("requests") != 5 || last("notfound") != 1 || last("inprogress") != 7 || last("busy") != 0 {
		t.Errorf("gen %d requests %g notfound %g inprogress %g busy %g", gen, last("requests"), last("notfound"), last("inprogress"), last("busy"))
	}
	// The ring keeps an hour.
	for i := range ringSize + 5 {
		s.sample(t0.Add(time.Duration(20+10*i) * time.Second))
	}
	if pts, _ := s.snapshot(); len(pts[0]) != ringSize || !pts[0][0].at.Equal(t0.Add(70*time.Second)) {
		t.Errorf("ring: %d points from %v", len(pts[0]), pts[0][0].at)
	}
}

func TestTableOf(t *testing.T) {
	for _, tc := range []struct {
		in   any
		cols []string
		rows [][]string
	}{
		{map[string]any{"b": 536870912.0, "a": true, "c": map[string]any{"x": 1.0}}, []string{"field", "value"},
			[][]string{{"a", "true"}, {"b", "536870912"}, {"c", `{"x":1}`}}},
		{[]any{map[string]any{"id": "s1", "state": "alive"}, map[string]any{"id": "s2", "age": 1.5}}, []string{"age", "id", "state"},
			[][]string{{"", "s1", "alive"}, {"1.5", "s2", ""}}},
		{"x", []string{"value"}, [][]string{{"x"}}},
	} {
		got := tableOf(tc.in)
		if fmt.Sprint(got.Columns) != fmt.Sprint(tc.cols) || fmt.Sprint(got.Rows) != fmt.Sprint(tc.rows) {
			t.Errorf("tableOf(%v) = %v %v", tc.in, got.Columns, got.Rows)
		}
	}
}
