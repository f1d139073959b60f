package metrics

import (
	"io"
	"slices"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// CiscoCounter ties an RTMT counter name to the metric (and label values)
// that carries it; a zero Labels sums every series of the metric.
type CiscoCounter struct {
	Name   string
	Metric string
	Labels map[string]string
}

// CiscoNames lists the counters of the "Cisco TFTP" performance object in
// RTMT's order (spec §12.2). BuildSignCount counts every file this server
// signed (.sgn files and trust lists); EncryptCount every encrypted
// configuration (.enc.sgn).
func CiscoNames() []CiscoCounter { return slices.Clone(ciscoNames) }

var ciscoNames = []CiscoCounter{
	{"BuildAbortCount", "cmtftp_build_aborts_total", nil},
	{"BuildCount", "cmtftp_builds_total", nil},
	{"BuildDeviceCount", "cmtftp_build_files_total", map[string]string{"kind": "device"}},
	{"BuildDialruleCount", "cmtftp_build_files_total", map[string]string{"kind": "dialrule"}},
	{"BuildDuration", "cmtftp_build_last_duration_seconds", nil},
	{"BuildSignCount", "cmtftp_sign_total", nil},
	{"BuildSoftkeyCount", "cmtftp_build_files_total", map[string]string{"kind": "softkey"}},
	{"BuildUnitCount", "cmtftp_build_files_total", map[string]string{"kind": "unit"}},
	{"ChangeNotifications", "cmtftp_change_notifications_total", nil},
	{"DeviceChangeNotifications", "cmtftp_change_notifications_total", map[string]string{"kind": "device"}},
	{"DialruleChangeNotifications", "cmtftp_change_notifications_total", map[string]string{"kind": "dialplan"}},
	{"EncryptCount", "cmtftp_encrypt_total", nil},
	{"GKFoundCount", "cmtftp_config_requests_total", map[string]string{"family": "gk", "result": "found"}},
	{"GKNotFoundCount", "cmtftp_config_requests_total", map[string]string{"family": "gk", "result": "not_found"}},
	{"HeartBeat", "cmtftp_heartbeat_seconds_total", nil},
	{"HttpConnectRequests", "cmtftp_http_connections_total", nil},
	{"HttpRequests", "cmtftp_http_requests_total", nil},
	{"HttpRequestsAborted", "cmtftp_http_requests_total", map[string]string{"result": "aborted"}},
	{"HttpRequestsNotFound", "cmtftp_http_requests_total", map[string]string{"result": "not_found"}},
	{"HttpRequestsOverflow", "cmtftp_http_requests_total", map[string]string{"result": "overflow"}},
	{"HttpRequestsProcessed", "cmtftp_http_requests_total", map[string]string{"result": "processed"}},
	{"HttpServedFromDisk", "cmtftp_http_served_from_disk_total", nil},
	{"LDFoundCount", "cmtftp_config_requests_total", map[string]string{"family": "ld", "result": "found"}},
	{"LDNotFoundCount", "cmtftp_config_requests_total", map[string]string{"family": "ld", "result": "not_found"}},
	{"MaxServingCount", "cmtftp_max_serving_transfers", nil},
	{"Requests", "cmtftp_tftp_requests_total", nil},
	{"RequestsAborted", "cmtftp_tftp_requests_aborted_total", nil},
	{"RequestsInProgress", "cmtftp_tftp_requests_in_progress", nil},
	{"RequestsNotFound", "cmtftp_tftp_requests_not_found_total", nil},
	{"RequestsOverflow", "cmtftp_tftp_requests_overflow_total", nil},
	{"RequestsProcessed", "cmtftp_tftp_requests_processed_total", nil},
	{"SegmentsAcknowledged", "cmtftp_tftp_segments_acknowledged_total", nil},
	{"SegmentsFromDisk", "cmtftp_tftp_segments_from_disk_total", nil},
	{"SegmentsSent", "cmtftp_tftp_segments_sent_total", nil},
	{"SEPFoundCount", "cmtftp_config_requests_total", map[string]string{"family": "sep", "result": "found"}},
	{"SEPNotFoundCount", "cmtftp_config_requests_total", map[string]string{"family": "sep", "result": "not_found"}},
	{"SIPFoundCount", "cmtftp_config_requests_total", map[string]string{"family": "sip", "result": "found"}},
	{"SIPNotFoundCount", "cmtftp_config_requests_total", map[string]string{"family": "sip", "result": "not_found"}},
	{"SoftkeyChangeNotifications", "cmtftp_change_notifications_total", map[string]string{"kind": "softkey"}},
	{"UnitChangeNotifications", "cmtftp_change_notifications_total", map[string]string{"kind": "gateway"}},
}

// ParseText reads metrics in the Prometheus text format.
func ParseText(r io.Reader) (map[string]*dto.MetricFamily, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	return p.TextToMetricFamilies(r)
}

// Value sums the series of c's metric whose labels match.
func (c CiscoCounter) Value(fams map[string]*dto.MetricFamily) (float64, bool) {
	f, ok := fams[c.Metric]
	if !ok {
		return 0, false
	}
	var sum float64
	for _, m := range f.GetMetric() {
		match := true
		for k, v := range c.Labels {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == k && l.GetValue() == v {
					found = true
				}
			}
			match = match && found
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Untyped != nil:
			sum += m.Untyped.GetValue()
		}
	}
	return sum, true
}
