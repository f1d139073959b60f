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
	counters [2][len(notFoundDevices)]prometheus.Counter // by protocol (tftp, http), then device
	known    func(mac string) bool
}

// notFoundDevices are the values of the device label, in the order of
// notFoundCounter.device's answers.
var notFoundDevices = [...]string{"known", "unknown", "none"}

const (
	deviceKnown = iota
	deviceUnknown
	deviceNone
)

func newNotFoundCounter(reg prometheus.Registerer, known func(mac string) bool) *notFoundCounter {
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cmtftp", Name: "files_not_found_total",
		Help: "Requests answered not found, by protocol (tftp, http) and device: known (a device in the database), unknown (a MAC it lacks), none (common files and trust lists)."},
		[]string{"protocol", "device"})
	c := &notFoundCounter{known: known}
	for p, protocol := range [...]string{"tftp", "http"} {
		for d, device := range notFoundDevices {
			c.counters[p][d] = vec.WithLabelValues(protocol, device)
		}
	}
	reg.MustRegister(vec)
	return c
}

// count counts one not-found answer for name over protocol ("tftp" or
// "http").
func (c *notFoundCounter) count(protocol, name string) {
	p := 0
	if protocol == "http" {
		p = 1
	}
	c.counters[p][c.device(name)].Inc()
}

// device is the device label of a requested name, as an index of
// notFoundDevices.
func (c *notFoundCounter) device(name string) int {
	if n := len(name); n >= 4 && strings.EqualFold(name[n-4:], ".tlv") {
		return deviceNone
	}
	mac := timeline.MACOf(name)
	switch {
	case mac == "":
		return deviceNone
	case c.known(mac):
		return deviceKnown
	}
	return deviceUnknown
}
