package console

import (
	dto "github.com/prometheus/client_model/go"
)

// metricSel picks the samples of one metric: its name and, when set, one
// label's allowed values.
type metricSel struct {
	name   string
	label  string
	values []string
}

// seriesDef is one chart: what it sums, and whether it is a gauge shown
// as it is or a counter shown as a rate per second.
type seriesDef struct {
	id    string
	title string
	rate  bool
	sum   []metricSel
}

// chartSeries are the overview's charts, from the metric names the server
// exports (cmtftp serve's /metrics).
var chartSeries = [...]seriesDef{
	{id: "inprogress", title: "Transfers in progress", sum: []metricSel{{name: "cmtftp_serving_slots_in_use"}}},
	{id: "limit", title: "Maximum Serving Count", sum: []metricSel{{name: "cmtftp_max_serving_transfers"}}},
	{id: "requests", title: "Requests/s", rate: true, sum: []metricSel{
		{name: "cmtftp_tftp_requests_total"}, {name: "cmtftp_http_requests_total"}}},
	{id: "notfound", title: "Not found/s", rate: true, sum: []metricSel{
		{name: "cmtftp_tftp_requests_not_found_total"},
		{name: "cmtftp_http_requests_total", label: "result", values: []string{"not_found"}}}},
	{id: "busy", title: "Busy/s", rate: true, sum: []metricSel{
		{name: "cmtftp_tftp_requests_busy_total"}, {name: "cmtftp_tftp_requests_overflow_total"},
		{name: "cmtftp_http_requests_total", label: "result", values: []string{"busy", "overflow"}}}},
	{id: "builds", title: "Builds/s", rate: true, sum: []metricSel{{name: "cmtftp_builds_total"}}},
	{id: "changes", title: "Change notifications/s", rate: true, sum: []metricSel{{name: "cmtftp_change_notifications_total"}}},
}

// sumOf adds up the samples sel picks from families (by name).
func sumOf(families map[string]*dto.MetricFamily, sels []metricSel) float64 {
	total := 0.0
	for _, sel := range sels {
		mf := families[sel.name]
		if mf == nil {
			continue
		}
		for _, m := range mf.GetMetric() {
			if sel.label != "" && !hasLabel(m, sel.label, sel.values) {
				continue
			}
			total += valueOf(m)
		}
	}
	return total
}

// hasLabel reports whether m's label name has one of values.
func hasLabel(m *dto.Metric, name string, values []string) bool {
	for _, lp := range m.GetLabel() {
		if lp.GetName() != name {
			continue
		}
		for _, v := range values {
			if lp.GetValue() == v {
				return true
			}
		}
	}
	return false
}

// valueOf is a counter's, gauge's or untyped metric's value.
func valueOf(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Untyped != nil:
		return m.Untyped.GetValue()
	}
	return 0
}
