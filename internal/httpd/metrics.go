package httpd

import (
	"net"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts the HTTP file service in the "Cisco TFTP" counters
// (HttpConnectRequests, HttpRequests…, HttpServedFromDisk).
type Metrics struct {
	connections prometheus.Counter
	requests    *prometheus.CounterVec
	fromDisk    prometheus.Counter
}

// results are the values of the result label of http_requests_total.
var results = [...]string{"processed", "not_found", "overflow", "busy", "aborted", "loop", "error"}

// NewMetrics registers the HTTP counters in reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		connections: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "cmtftp", Name: "http_connections_total",
			Help: "HTTP connections accepted (HttpConnectRequests)."}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cmtftp", Name: "http_requests_total",
			Help: "HTTP file requests by result: processed, not_found, overflow (no free serving slot), busy, aborted, loop (a request proxied between clusters that came back: 508), error (HttpRequests…)."},
			[]string{"result"}),
		fromDisk: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "cmtftp", Name: "http_served_from_disk_total",
			Help: "HTTP responses read from a file on disk rather than a memory cache (HttpServedFromDisk)."}),
	}
	for _, r := range results {
		m.requests.WithLabelValues(r)
	}
	reg.MustRegister(m.connections, m.requests, m.fromDisk)
	return m
}

// ConnState is the http.Server's ConnState hook: it counts connections.
func (m *Metrics) ConnState(_ net.Conn, s http.ConnState) {
	if s == http.StateNew {
		m.connections.Inc()
	}
}

// done counts one finished request.
func (m *Metrics) done(r Result) {
	m.requests.WithLabelValues(r.result()).Inc()
	if r.FromDisk && r.result() == "processed" {
		m.fromDisk.Inc()
	}
}

// result is the request's value of the result label.
func (r Result) result() string {
	switch {
	case r.Aborted:
		return "aborted"
	case r.Found():
		return "processed"
	case r.Status == http.StatusNotFound:
		return "not_found"
	case r.Overflow:
		return "overflow"
	case r.Status == http.StatusServiceUnavailable:
		return "busy"
	case r.Loop:
		return "loop"
	}
	return "error"
}

// Found reports whether the request was answered with the file (200, 206
// or 304).
func (r Result) Found() bool {
	return r.Status == http.StatusOK || r.Status == http.StatusPartialContent || r.Status == http.StatusNotModified
}
