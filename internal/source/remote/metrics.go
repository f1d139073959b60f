package remote

import "github.com/prometheus/client_golang/prometheus"

// collector exports the remote clusters' metrics at scrape time, labelled
// by the configured clusters and servers only (a server removed from the
// configuration disappears from the next scrape).
type collector struct{ c *Clusters }

var (
	requestsDesc = prometheus.NewDesc("cmtftp_remote_requests_total",
		"Requests to remote cluster servers by answer: hit (200), not_modified (304), not_found (404), busy (503), loop (508: refused as a loop), error (timeouts, connection errors, other statuses).",
		[]string{"cluster", "server", "result"}, nil)
	upDesc = prometheus.NewDesc("cmtftp_remote_up",
		"Whether a remote cluster server is asked (1) or marked down until a probe finds it answering (0).",
		[]string{"cluster", "server"}, nil)
	keptDesc = prometheus.NewDesc("cmtftp_remote_kept_bytes",
		"Bytes of files fetched from remote clusters and kept for reuse.", nil, nil)
	forwardDesc = prometheus.NewDesc("cmtftp_remote_forward_refused_total",
		"Requests proxied from another cluster's master that this server's chain lacked and did not pass on to its own remote clusters (servers pointing at each other).",
		nil, nil)
	affinityDesc = prometheus.NewDesc("cmtftp_remote_affinity_total",
		"Common files asked for by devices whose configuration came from another cluster: found at that cluster (remote) or not, so served by the chain (local).",
		[]string{"result"}, nil)
)

// Describe sends nothing: the collector is unchecked, as its label values
// (and the per-server histograms' constant labels) come and go with the
// configuration.
func (m *collector) Describe(chan<- *prometheus.Desc) {}

// Collect implements prometheus.Collector.
func (m *collector) Collect(ch chan<- prometheus.Metric) {
	for _, cl := range *m.c.all.Load() {
		for _, s := range cl.servers {
			for a, name := range answerNames {
				ch <- prometheus.MustNewConstMetric(requestsDesc, prometheus.CounterValue, float64(s.answers[a].Load()), cl.name, s.addr, name)
			}
			up := 1.0
			if s.down() {
				up = 0
			}
			ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, up, cl.name, s.addr)
			s.latency.Collect(ch)
		}
	}
	ch <- prometheus.MustNewConstMetric(keptDesc, prometheus.GaugeValue, float64(m.c.keptBytes.Load()))
	ch <- prometheus.MustNewConstMetric(forwardDesc, prometheus.CounterValue, float64(m.c.forwardRefused.Load()))
	ch <- prometheus.MustNewConstMetric(affinityDesc, prometheus.CounterValue, float64(m.c.affinity.remote.Load()), "remote")
	ch <- prometheus.MustNewConstMetric(affinityDesc, prometheus.CounterValue, float64(m.c.affinity.local.Load()), "local")
}
