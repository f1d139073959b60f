package assembly

import (
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"cmtftp/internal/store"
	"cmtftp/internal/timeline"
)

// healthTimeout bounds each database query a scrape of /metrics makes
// (store.RegisterHealthMetrics).
const healthTimeout = 2 * time.Second

// registerHealthMetrics registers what the alerts of deploy/prometheus
// need beside the components' own metrics: whether the database answers,
// how far this server's change feed has come against the database's
// newest change, and the not-found answers by whether the name asked for
// is of a device in the database.
func (s *Server) registerHealthMetrics() {
	store.RegisterHealthMetrics(s.registry, s.store, healthTimeout)
	s.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "cmtftp", Name: "change_feed_applied_id",
		Help: "ID of the newest change every change-feed consumer of this server has applied (compare cmtftp_change_feed_head_id)."},
		func() float64 { return float64(s.member.applied.Load()) }))
	s.notFound = newNotFoundCounter(s.registry, func(mac string) bool { return s.known != nil && s.known.KnownMAC(mac) })
}

// notFoundCounter counts "not found" answers by protocol and by device:
// known (the name carries the MAC of a phone in the
// database: an admin's problem, a file that should exist), unknown (a MAC
// the database lacks: a phone not added yet, or someone guessing names)
// and none (a common file, or a trust list, whose absence is normal on a
// cluster that is not secure).
type notFoundCounter struct {
	vec   *prometheus.CounterVec
	known func(mac string) bool
}

// notFoundDevices are the values of the device label.
var notFoundDevices = [...]string{"known", "unknown", "none"}

func newNotFoundCounter(reg prometheus.Registerer, known func(mac string) bool) *notFoundCounter {
	c := &notFoundCounter{known: known, vec: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cmtftp",
		Name: "files_not_found_total",
		Help: "Requests answered not found, by protocol (tftp, http) and device: known (a device in the database), unknown (a MAC it lacks), none (common files and trust lists)."},
		[]string{"protocol", "device"})}
	for _, p := range [...]string{"tftp", "http"} {
		for _, d := range notFoundDevices {
			c.vec.WithLabelValues(p, d)
		}
	}
	reg.MustRegister(c.vec)
	return c
}

// count counts one not-found answer for name over protocol.
func (c *notFoundCounter) count(protocol, name string) {
	c.vec.WithLabelValues(protocol, c.device(name)).Inc()
}

// device is the device label of a requested name.
func (c *notFoundCounter) device(name string) string {
	if strings.HasSuffix(strings.ToLower(name), ".tlv") {
		return "none"
	}
	mac := timeline.MACOf(name)
	switch {
	case mac == "":
		return "none"
	case c.known(mac):
		return "known"
	}
	return "unknown"
}
