// Package metrics publishes the serviceability counters of the "Cisco
// TFTP" performance object (spec §12.2) as Prometheus metrics: namespace
// cmtftp, base units, _total for counters, bounded labels only (never a
// MAC, an address or a file name). CiscoNames maps them back to the names
// RTMT shows, for "cmtftp counters".
package metrics

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"cmtftp/internal/domain"
	"cmtftp/internal/httpd"
	"cmtftp/internal/render"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
	"cmtftp/internal/tftpd"
)

const ns = "cmtftp"

// Metrics holds the counters fed by hooks, and the registry that also
// reads the TFTP engine's own counters when scraped.
type Metrics struct {
	// Registry is what /metrics serves.
	Registry *prometheus.Registry

	configRequests  *prometheus.CounterVec
	httpConnections prometheus.Counter
	httpRequests    *prometheus.CounterVec
	httpFromDisk    prometheus.Counter
	builds          prometheus.Counter
	buildAborts     prometheus.Counter
	buildFiles      *prometheus.CounterVec
	buildDuration   prometheus.Gauge
	changes         *prometheus.CounterVec
	segmentsDisk    prometheus.Counter
	missed          prometheus.Counter
}

// New registers every metric. tftp reads the engine's counters at scrape
// time; slots gives the Maximum Serving Count.
func New(tftp func() tftpd.StatsSnapshot, slots *source.Slots) *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{Registry: r}
	counter := func(name, help string) prometheus.Counter {
		c := prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: name, Help: help})
		r.MustRegister(c)
		return c
	}
	vec := func(name, help string, labels ...string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: name, Help: help}, labels)
		r.MustRegister(c)
		return c
	}
	m.configRequests = vec("config_requests_total", "Requests for device configuration files by family (sep, sip, ld, gk) and result (found, not_found): SEPFoundCount … GKNotFoundCount.", "family", "result")
	m.httpConnections = counter("http_connections_total", "HTTP connections accepted (HttpConnectRequests).")
	m.httpRequests = vec("http_requests_total", "HTTP file requests by result: processed, not_found, overflow (no free serving slot), busy, aborted, error (HttpRequests…).", "result")
	m.httpFromDisk = counter("http_served_from_disk_total", "HTTP responses read from a file on disk rather than a memory cache (HttpServedFromDisk).")
	m.builds = counter("builds_total", "File builds run (BuildCount).")
	m.buildAborts = counter("build_aborts_total", "Builds whose result was discarded: the database failed, or a change arrived while building (BuildAbortCount).")
	m.buildFiles = vec("build_files_total", "Files built, by kind: device, dialrule, softkey, unit (gateway .cnf), default (BuildDeviceCount, BuildDialruleCount, BuildSoftkeyCount, BuildUnitCount).", "kind")
	m.buildDuration = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "build_last_duration_seconds", Help: "Duration of the most recent build (BuildDuration)."})
	r.MustRegister(m.buildDuration)
	m.changes = vec("change_notifications_total", "Change notifications from the database, by kind of record (ChangeNotifications, DeviceChangeNotifications, DialruleChangeNotifications, SoftkeyChangeNotifications, UnitChangeNotifications).", "kind")
	m.segmentsDisk = counter("tftp_segments_from_disk_total", "512-byte segments read from files on disk rather than a memory cache (SegmentsFromDisk).")
	m.missed = counter("missed_files_total", "Requests for files that were not found, TFTP and HTTP together.")
	for _, k := range domain.Kinds() {
		m.changes.WithLabelValues(string(k))
	}
	for _, r := range []string{"processed", "not_found", "overflow", "busy", "aborted", "error"} {
		m.httpRequests.WithLabelValues(r)
	}
	for _, k := range []string{"device", "dialrule", "softkey", "unit", "default"} {
		m.buildFiles.WithLabelValues(k)
	}
	for _, f := range []string{"sep", "sip", "ld", "gk"} {
		m.configRequests.WithLabelValues(f, "found")
		m.configRequests.WithLabelValues(f, "not_found")
	}

	tftpCounter := func(name, help string, get func(tftpd.StatsSnapshot) uint64) {
		r.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: ns, Name: name, Help: help},
			func() float64 { return float64(get(tftp())) }))
	}
	tftpCounter("tftp_requests_total", "TFTP read requests received (Requests).", func(s tftpd.StatsSnapshot) uint64 { return s.Requests })
	tftpCounter("tftp_requests_processed_total", "TFTP transfers completed (RequestsProcessed).", func(s tftpd.StatsSnapshot) uint64 { return s.RequestsProcessed })
	tftpCounter("tftp_requests_not_found_total", "TFTP requests answered file not found (RequestsNotFound).", func(s tftpd.StatsSnapshot) uint64 { return s.RequestsNotFound })
	tftpCounter("tftp_requests_overflow_total", "TFTP requests refused at the Maximum Serving Count (RequestsOverflow).", func(s tftpd.StatsSnapshot) uint64 { return s.RequestsOverflow })
	tftpCounter("tftp_requests_busy_total", "TFTP requests told to retry because the database could not answer.", func(s tftpd.StatsSnapshot) uint64 { return s.RequestsBusy })
	tftpCounter("tftp_requests_aborted_total", "TFTP transfers ended early: timeout, client error, shutdown (RequestsAborted).", func(s tftpd.StatsSnapshot) uint64 { return s.RequestsAborted })
	tftpCounter("tftp_requests_denied_total", "TFTP requests refused as access violations: hostile names, write requests.", func(s tftpd.StatsSnapshot) uint64 { return s.RequestsDenied })
	tftpCounter("tftp_segments_sent_total", "TFTP DATA and OACK packets sent, resends included (SegmentsSent).", func(s tftpd.StatsSnapshot) uint64 { return s.SegmentsSent })
	tftpCounter("tftp_segments_acknowledged_total", "TFTP blocks acknowledged by clients (SegmentsAcknowledged).", func(s tftpd.StatsSnapshot) uint64 { return s.SegmentsAcked })
	tftpCounter("tftp_retransmits_total", "TFTP windows sent again after a timeout.", func(s tftpd.StatsSnapshot) uint64 { return s.Retransmits })
	r.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: ns, Name: "tftp_requests_in_progress", Help: "TFTP transfers in progress (RequestsInProgress)."},
		func() float64 { return float64(tftp().InProgress) }))
	r.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: ns, Name: "max_serving_transfers", Help: "Transfers allowed at once, TFTP and HTTP together (MaxServingCount)."},
		func() float64 { return float64(slots.Max()) }))
	r.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: ns, Name: "serving_slots_in_use", Help: "Serving slots held now by TFTP and HTTP transfers."},
		func() float64 { return float64(slots.InUse()) }))
	start := time.Now()
	r.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: ns, Name: "heartbeat_seconds_total", Help: "Seconds the service has been running (HeartBeat)."},
		func() float64 { return time.Since(start).Seconds() }))
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// family returns the config-file family of a requested name, or "".
func family(name string) string {
	t, ok := render.Resolve(name)
	if !ok {
		return ""
	}
	switch t.Kind {
	case render.DeviceXMLFile, render.LegacyCnfFile:
		if strings.HasPrefix(strings.ToUpper(name), "SEP") {
			return "sep"
		}
	case render.SIPCnfFile:
		return "sip"
	case render.LDFile:
		return "ld"
	case render.GKFile:
		return "gk"
	}
	return ""
}

func (m *Metrics) config(name string, notFound bool) {
	if f := family(name); f != "" {
		result := "found"
		if notFound {
			result = "not_found"
		}
		m.configRequests.WithLabelValues(f, result).Inc()
	}
	if notFound {
		m.missed.Inc()
	}
}

// TFTPDone is the TFTP engine's OnDone hook.
func (m *Metrics) TFTPDone(r tftpd.Result) {
	switch r.Outcome {
	case tftpd.OutcomeNotFound:
		m.config(r.Name, true)
	case tftpd.OutcomeCompleted:
		m.config(r.Name, false)
	}
}

// HTTPDone is the HTTP handler's OnDone hook.
func (m *Metrics) HTTPDone(r httpd.Result) {
	result := "error"
	switch {
	case r.Aborted:
		result = "aborted"
	case r.Status == http.StatusOK || r.Status == http.StatusPartialContent || r.Status == http.StatusNotModified:
		result = "processed"
		m.config(r.Name, false)
		if r.FromDisk {
			m.httpFromDisk.Inc()
		}
	case r.Status == http.StatusNotFound:
		result = "not_found"
		m.config(r.Name, true)
	case r.Overflow:
		result = "overflow"
	case r.Status == http.StatusServiceUnavailable:
		result = "busy"
	}
	m.httpRequests.WithLabelValues(result).Inc()
}

// ConnState is the HTTP server's ConnState hook.
func (m *Metrics) ConnState(_ net.Conn, s http.ConnState) {
	if s == http.StateNew {
		m.httpConnections.Inc()
	}
}

// Built is the built-file source's hook: one build of one file.
func (m *Metrics) Built(kind render.Kind, d time.Duration, err error, discarded bool) {
	m.builds.Inc()
	m.buildDuration.Set(d.Seconds())
	if err != nil || discarded {
		m.buildAborts.Inc()
		if err != nil {
			return
		}
	}
	switch kind {
	case render.DeviceXMLFile, render.SIPCnfFile, render.LDFile, render.GKFile:
		m.buildFiles.WithLabelValues("device").Inc()
	case render.LegacyCnfFile:
		m.buildFiles.WithLabelValues("unit").Inc()
	case render.DR79x1File, render.Dial7940File:
		m.buildFiles.WithLabelValues("dialrule").Inc()
	case render.SoftkeyXMLFile:
		m.buildFiles.WithLabelValues("softkey").Inc()
	default:
		m.buildFiles.WithLabelValues("default").Inc()
	}
}

// Change counts one change notification.
func (m *Metrics) Change(c store.Change) { m.changes.WithLabelValues(string(c.Kind)).Inc() }

// CountDisk wraps the disk sources of the chain so that the bytes read
// from their files count in SegmentsFromDisk (512-byte segments).
func (m *Metrics) CountDisk(s source.Source) source.Source {
	return source.Func(func(ctx context.Context, req *source.Request) (source.File, error) {
		f, err := s.Open(ctx, req)
		if err != nil {
			return nil, err
		}
		return &diskFile{File: f, m: m}, nil
	})
}

type diskFile struct {
	source.File
	m *Metrics
}

func (f *diskFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := f.File.ReadAt(p, off)
	f.m.segmentsDisk.Add(float64((n + 511) / 512))
	return n, err
}
