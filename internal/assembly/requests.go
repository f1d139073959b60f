package assembly

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// requestCounters count what TFTP and HTTP requests found, by the family
// of device file asked for (SEPFoundCount … GKNotFoundCount), the missed
// files of both, and the service's HeartBeat: the counters that belong to
// the service as a whole rather than to one component.
type requestCounters struct {
	config *prometheus.CounterVec
	missed prometheus.Counter
}

func newRequestCounters(reg prometheus.Registerer) *requestCounters {
	c := &requestCounters{
		config: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cmtftp", Name: "config_requests_total",
			Help: "Requests for device configuration files by family (sep, sip, ld, gk) and result (found, not_found): SEPFoundCount … GKNotFoundCount."},
			[]string{"family", "result"}),
		missed: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "cmtftp", Name: "missed_files_total",
			Help: "Requests for files that were not found, TFTP and HTTP together."}),
	}
	for _, f := range [...]string{"sep", "sip", "ld", "gk"} {
		c.config.WithLabelValues(f, "found")
		c.config.WithLabelValues(f, "not_found")
	}
	start := time.Now()
	heartbeat := prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "cmtftp", Name: "heartbeat_seconds_total",
		Help: "Seconds the service has been running (HeartBeat)."}, func() float64 { return time.Since(start).Seconds() })
	reg.MustRegister(c.config, c.missed, heartbeat)
	return c
}

// done counts one request for a file of family f ("" for a file that is
// not built) that was answered with the file (found) or with "not found".
func (c *requestCounters) done(f string, found bool) {
	if f != "" {
		result := "found"
		if !found {
			result = "not_found"
		}
		c.config.WithLabelValues(f, result).Inc()
	}
	if !found {
		c.missed.Inc()
	}
}
