package e2e

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// errPromQL is a PromQL expression the name scanner cannot read through:
// a string, a bracket or a brace left open.
var errPromQL = errors.New("unreadable PromQL")

// promqlKeywords are the words of PromQL that are not metric names when
// they stand without a "(" after them: aggregations written
// "sum by (l) (…)", set and comparison operators, modifiers, and the
// number literals Inf and NaN.
var promqlKeywords = map[string]bool{
	"sum": true, "min": true, "max": true, "avg": true, "group": true, "stddev": true, "stdvar": true,
	"count": true, "count_values": true, "bottomk": true, "topk": true, "quantile": true, "limitk": true,
	"limit_ratio": true, "and": true, "or": true, "unless": true, "atan2": true, "bool": true, "offset": true,
	"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true,
	"inf": true, "nan": true,
}

// promqlLabelLists are the keywords followed by a parenthesised list of
// label names (not a sub-expression).
var promqlLabelLists = map[string]bool{
	"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true,
}

// metricNames returns the metric names an expression selects, sorted and
// once each: identifiers that are not functions (followed by "("), not
// keywords, not label names (inside "{…}" or a by/without/on/ignoring/
// group_left/group_right list), not inside strings, ranges ("[5m]") or
// Grafana variables ("$job", "${job}").
func metricNames(expr string) ([]string, error) {
	var names []string
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			end, err := skipString(expr, i)
			if err != nil {
				return nil, err
			}
			i = end
		case c == '#':
			for i < len(expr) && expr[i] != '\n' {
				i++
			}
		case c == '{' || c == '[':
			end, err := skipGroup(expr, i)
			if err != nil {
				return nil, err
			}
			i = end
		case c == '$':
			i = skipVariable(expr, i+1)
		case isDigit(c) || c == '.' && i+1 < len(expr) && isDigit(expr[i+1]):
			for i < len(expr) && (isIdentChar(expr[i]) || expr[i] == '.') {
				i++ // a number or a duration: 0.9, 5m, 1h30m, 0x1f, 1e3
			}
		case isIdentStart(c):
			word, next := ident(expr, i)
			end, name, err := classify(expr, word, next)
			if err != nil {
				return nil, err
			}
			if name {
				names = append(names, word)
			}
			i = end
		default:
			i++
		}
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}

// classify decides what the identifier word (ending at next) is: a
// metric name, or a function, keyword or label list to step over; end is
// where scanning goes on.
func classify(expr, word string, next int) (end int, name bool, err error) {
	after := skipSpace(expr, next)
	lower := strings.ToLower(word)
	switch {
	case promqlLabelLists[lower]:
		if after < len(expr) && expr[after] == '(' {
			end, err := skipParens(expr, after)
			return end, false, err
		}
		return next, false, nil
	case after < len(expr) && expr[after] == '(':
		return next, false, nil // a function, or an aggregation written sum(…)
	case promqlKeywords[lower]:
		return next, false, nil
	}
	return next, true, nil
}

// skipString returns the index after the string starting at i.
func skipString(expr string, i int) (int, error) {
	q := expr[i]
	for j := i + 1; j < len(expr); j++ {
		switch {
		case expr[j] == '\\' && q != '`':
			j++
		case expr[j] == q:
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("%w: string at %d not closed", errPromQL, i)
}

// skipGroup returns the index after the "{…}" or "[…]" starting at i,
// stepping over the strings inside.
func skipGroup(expr string, i int) (int, error) {
	closer := byte('}')
	if expr[i] == '[' {
		closer = ']'
	}
	for j := i + 1; j < len(expr); {
		switch c := expr[j]; {
		case c == closer:
			return j + 1, nil
		case c == '"' || c == '\'' || c == '`':
			end, err := skipString(expr, j)
			if err != nil {
				return 0, err
			}
			j = end
		case c == '{' || c == '[' || c == '(' || c == ')':
			if c == '{' && closer == ']' {
				return 0, fmt.Errorf("%w: %q inside a range at %d", errPromQL, c, j)
			}
			j++
		default:
			j++
		}
	}
	return 0, fmt.Errorf("%w: %q at %d not closed", errPromQL, expr[i], i)
}

// skipParens returns the index after the label list "(a, b)" at i.
func skipParens(expr string, i int) (int, error) {
	for j := i + 1; j < len(expr); j++ {
		switch c := expr[j]; {
		case c == ')':
			return j + 1, nil
		case c != ',' && c != ' ' && c != '\t' && c != '\n' && !isIdentChar(c):
			return 0, fmt.Errorf("%w: %q in a label list at %d", errPromQL, c, j)
		}
	}
	return 0, fmt.Errorf("%w: label list at %d not closed", errPromQL, i)
}

// skipVariable returns the index after a Grafana variable's name at i
// (after its "$"): "job", "__rate_interval" or "{job}".
func skipVariable(expr string, i int) int {
	if i < len(expr) && expr[i] == '{' {
		if end := strings.IndexByte(expr[i:], '}'); end >= 0 {
			return i + end + 1
		}
		return len(expr)
	}
	for i < len(expr) && isIdentChar(expr[i]) {
		i++
	}
	return i
}

func ident(expr string, i int) (string, int) {
	j := i
	for j < len(expr) && (isIdentChar(expr[j]) || expr[j] == ':') {
		j++
	}
	return expr[i:j], j
}

func skipSpace(expr string, i int) int {
	for i < len(expr) && strings.IndexByte(" \t\r\n", expr[i]) >= 0 {
		i++
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isIdentStart(c byte) bool {
	return c == '_' || c == ':' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
func isIdentChar(c byte) bool { return isIdentStart(c) && c != ':' || isDigit(c) }

// exportedNames is what a scrape of /metrics offers to select: each
// family's name and, for histograms and summaries, its _bucket, _sum and
// _count series; plus "up", which Prometheus itself records per target.
func exportedNames(families map[string]string) map[string]bool {
	out := map[string]bool{"up": true}
	for name, typ := range families {
		out[name] = true
		if typ == "HISTOGRAM" || typ == "SUMMARY" || typ == "GAUGE_HISTOGRAM" {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				out[name+s] = true
			}
		}
	}
	return out
}

// unknownMetrics returns the names expr selects that exported lacks.
func unknownMetrics(expr string, exported map[string]bool) ([]string, error) {
	names, err := metricNames(expr)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		if !exported[n] {
			out = append(out, n)
		}
	}
	return out, nil
}

// TestMetricNames: the scanner finds the metric names of expressions of
// every shape the rules and the dashboard use, and nothing else.
func TestMetricNames(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want []string
	}{
		{`up{job="cmtftp"} == 0`, []string{"up"}},
		{`cmtftp_serving_slots_in_use / cmtftp_max_serving_transfers > 0.9`, []string{"cmtftp_max_serving_transfers", "cmtftp_serving_slots_in_use"}},
		{`sum by (job, instance) (rate(a_total{result=~"overflow|busy"}[5m]))`, []string{"a_total"}},
		{`sum(rate(a_total[5m])) by (le) / ignoring(kind) group_left(x) b`, []string{"a_total", "b"}},
		{`histogram_quantile(0.9, sum by (le, kind) (rate(h_bucket{job=~"$job"}[$__rate_interval])))`, []string{"h_bucket"}},
		{`a - b > 0 and changes(b[10m]) == 0 unless on(instance) c offset 1h30m`, []string{"a", "b", "c"}},
		{`max by (cluster) (m{label="sum by (x) fake_metric"})`, []string{"m"}},
		{`count without (server) (m) or vector(0) # a comment naming not_a_metric`, []string{"m"}},
		{`topk(3, m[5m:1m]) + Inf - nan * 1e3 + ${DS_PROMETHEUS}`, []string{"m"}},
		{`sum by(job)(x) bool y`, []string{"x", "y"}},
	} {
		got, err := metricNames(tc.expr)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("metricNames(%q) = %q, %v; want %q", tc.expr, got, err, tc.want)
		}
	}
	for _, bad := range []string{`m{a="b}`, `rate(m[5m)`, `sum by (job (m)`, `m{a="x"`} {
		if got, err := metricNames(bad); !errors.Is(err, errPromQL) {
			t.Errorf("metricNames(%q) = %q, %v; want errPromQL", bad, got, err)
		}
	}
}

// TestUnknownMetrics: the checker passes exported names (histogram
// series included) and rejects a name no server exports.
func TestUnknownMetrics(t *testing.T) {
	exported := exportedNames(map[string]string{"cmtftp_store_up": "GAUGE", "cmtftp_sign_duration_seconds": "HISTOGRAM"})
	for _, tc := range []struct {
		expr string
		want []string
	}{
		{`cmtftp_store_up == 0`, nil},
		{`up == 0`, nil},
		{`histogram_quantile(0.9, rate(cmtftp_sign_duration_seconds_bucket[5m]))`, nil},
		{`rate(cmtftp_sign_duration_seconds_sum[5m]) / rate(cmtftp_sign_duration_seconds_count[5m])`, nil},
		{`cmtftp_store_up == 0 or cmtftp_database_up == 0`, []string{"cmtftp_database_up"}},
		{`cmtftp_store_up_bucket`, []string{"cmtftp_store_up_bucket"}},
		{`rate(cmtftp_sign_duration_seconds_total[5m])`, []string{"cmtftp_sign_duration_seconds_total"}},
	} {
		got, err := unknownMetrics(tc.expr, exported)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("unknownMetrics(%q) = %q, %v; want %q", tc.expr, got, err, tc.want)
		}
	}
}

// FuzzMetricNames: the scanner never panics, ends on every input, and
// every name it returns is an identifier of the input.
func FuzzMetricNames(f *testing.F) {
	for _, s := range []string{`up{job="x"} == 0`, `sum by (a) (rate(m[5m]))`, `a{b="\"}"}`, `$x ${y} #c`, "`raw`", `on(`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		names, err := metricNames(expr)
		if err != nil {
			return
		}
		for _, n := range names {
			if n == "" || !strings.Contains(expr, n) {
				t.Fatalf("metricNames(%q) gave %q", expr, n)
			}
		}
	})
}
