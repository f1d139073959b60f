package store

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// healthCollector exports, when scraped, whether the database answers
// and the newest change it holds: the two signals an admin's alerts on
// "database unavailable" and "change feed stalled" need.
type healthCollector struct {
	store   Store
	timeout time.Duration
}

var (
	storeUpDesc = prometheus.NewDesc("cmtftp_store_up",
		"Whether the configuration database answered a ping and a query of its change log at scrape time (1) or not (0).", nil, nil)
	feedHeadDesc = prometheus.NewDesc("cmtftp_change_feed_head_id",
		"ID of the newest change in the database's change log, read at scrape time (absent while the database does not answer).", nil, nil)
)

// RegisterHealthMetrics registers cmtftp_store_up and
// cmtftp_change_feed_head_id in reg, read from s at every scrape, each
// query given at most timeout so that a database that hangs makes the
// scrape report it down rather than hang the scrape.
func RegisterHealthMetrics(reg prometheus.Registerer, s Store, timeout time.Duration) {
	reg.MustRegister(&healthCollector{store: s, timeout: timeout})
}

// Describe implements prometheus.Collector.
func (h *healthCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- storeUpDesc
	ch <- feedHeadDesc
}

// Collect implements prometheus.Collector: the database is up when it
// answers both a ping and a query of its change log.
func (h *healthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	head, err := h.store.LastChange(ctx)
	if err == nil {
		err = h.store.Ping(ctx)
	}
	if err != nil {
		ch <- prometheus.MustNewConstMetric(storeUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(storeUpDesc, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(feedHeadDesc, prometheus.GaugeValue, float64(head))
}
