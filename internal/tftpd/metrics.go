package tftpd

import "github.com/prometheus/client_golang/prometheus"

// engineCounters are the engine's counters as Prometheus metrics, read from
// Stats at scrape time: name, help, and the snapshot field.
var engineCounters = [...]struct {
	name, help string
	get        func(StatsSnapshot) uint64
}{
	{"tftp_requests_total", "TFTP read requests received (Requests).", func(s StatsSnapshot) uint64 { return s.Requests }},
	{"tftp_requests_processed_total", "TFTP transfers completed (RequestsProcessed).", func(s StatsSnapshot) uint64 { return s.RequestsProcessed }},
	{"tftp_requests_not_found_total", "TFTP requests answered file not found (RequestsNotFound).", func(s StatsSnapshot) uint64 { return s.RequestsNotFound }},
	{"tftp_requests_overflow_total", "TFTP requests refused at the Maximum Serving Count (RequestsOverflow).", func(s StatsSnapshot) uint64 { return s.RequestsOverflow }},
	{"tftp_requests_busy_total", "TFTP requests told to retry because the database could not answer.", func(s StatsSnapshot) uint64 { return s.RequestsBusy }},
	{"tftp_requests_aborted_total", "TFTP transfers ended early: timeout, client error, shutdown (RequestsAborted).", func(s StatsSnapshot) uint64 { return s.RequestsAborted }},
	{"tftp_requests_denied_total", "TFTP requests refused as access violations: hostile names, write requests.", func(s StatsSnapshot) uint64 { return s.RequestsDenied }},
	{"tftp_segments_sent_total", "TFTP DATA and OACK packets sent, resends included (SegmentsSent).", func(s StatsSnapshot) uint64 { return s.SegmentsSent }},
	{"tftp_segments_acknowledged_total", "TFTP blocks acknowledged by clients (SegmentsAcknowledged).", func(s StatsSnapshot) uint64 { return s.SegmentsAcked }},
	{"tftp_requests_unverified_limited_total", "TFTP transfers ended unsent because their source's budget of unverified bytes was spent.", func(s StatsSnapshot) uint64 { return s.Unverified }},
	{"tftp_peer_unreachable_total", "TFTP transfers ended by an ICMP error (port unreachable) from the client.", func(s StatsSnapshot) uint64 { return s.PeerUnreachable }},
	{"tftp_requests_duplicate_total", "TFTP read requests dropped as copies of one being served to the same client port.", func(s StatsSnapshot) uint64 { return s.Duplicates }},
	{"tftp_retransmits_total", "TFTP windows sent again after a timeout.", func(s StatsSnapshot) uint64 { return s.Retransmits }},
}

// RegisterMetrics registers the engine's counters of s in reg; they are
// read from s.Stats when scraped, so the hot path counts nothing twice.
func RegisterMetrics(reg prometheus.Registerer, s *Server) {
	for _, c := range engineCounters {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "cmtftp", Name: c.name, Help: c.help},
			func() float64 { return float64(c.get(s.Stats())) }))
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "cmtftp", Name: "tftp_requests_in_progress",
		Help: "TFTP transfers in progress (RequestsInProgress)."},
		func() float64 { return float64(s.Stats().InProgress) }))
}
