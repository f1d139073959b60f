package signed

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts the signings of the step (BuildSignCount, EncryptCount,
// their durations) and its cache. Its Signed method is the Step's OnSign
// hook; set it as the Step's Metrics for the cache's.
type Metrics struct {
	signs     *prometheus.CounterVec
	errors    *prometheus.CounterVec
	encrypts  prometheus.Counter
	signTime  *prometheus.HistogramVec
	encTime   prometheus.Histogram
	hits      prometheus.Counter
	bytes     prometheus.Gauge
	entries   prometheus.Gauge
	evictions prometheus.Counter
}

// durationBuckets spread from a fast RSA signature to a slow trust list.
var durationBuckets = []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .5}

// NewMetrics registers the signing counters and the cache's in reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		signs: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cmtftp", Name: "sign_total",
			Help: "Files signed, by kind: file (a .sgn or an encrypted device's stub: BuildSignCount), trustlist (an ITL or CTL)."}, []string{"kind"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cmtftp", Name: "sign_errors_total",
			Help: "Signings and encryptions that failed (the device was told to retry), by kind: file, trustlist, encrypt."}, []string{"kind"}),
		encrypts: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "cmtftp", Name: "encrypt_total",
			Help: "Device configurations encrypted (EncryptCount)."}),
		signTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "cmtftp", Name: "sign_duration_seconds",
			Help: "Time to sign one file, by kind: file, trustlist.", Buckets: durationBuckets}, []string{"kind"}),
		encTime: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "cmtftp", Name: "encrypt_duration_seconds",
			Help: "Time to encrypt and sign one device configuration.", Buckets: durationBuckets}),
		hits: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "cmtftp", Name: "signed_cache_hits_total",
			Help: "Requests answered with a kept signature, trust list, encrypted file or certificate."}),
		bytes: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "cmtftp", Name: "signed_cache_bytes",
			Help: "Bytes the kept headers, stubs, trust lists, encrypted files and certificates count against their budget."}),
		entries: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "cmtftp", Name: "signed_cache_entries",
			Help: "Headers, stubs, trust lists, encrypted files and certificates kept."}),
		evictions: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "cmtftp", Name: "signed_cache_evictions_total",
			Help: "Kept entries dropped, least recently used first, to stay within the byte budget."}),
	}
	for _, k := range []Kind{Sign, TrustList} {
		m.signs.WithLabelValues(k.String())
		m.signTime.WithLabelValues(k.String())
	}
	for _, k := range []Kind{Sign, TrustList, Encrypt} {
		m.errors.WithLabelValues(k.String())
	}
	reg.MustRegister(m.signs, m.errors, m.encrypts, m.signTime, m.encTime, m.hits, m.bytes, m.entries, m.evictions)
	return m
}

// Signed counts one signing of kind k that took d and failed with err.
func (m *Metrics) Signed(k Kind, d time.Duration, err error) {
	if err != nil {
		m.errors.WithLabelValues(k.String()).Inc()
		return
	}
	if k == Encrypt {
		m.encrypts.Inc()
		m.encTime.Observe(d.Seconds())
		return
	}
	m.signs.WithLabelValues(k.String()).Inc()
	m.signTime.WithLabelValues(k.String()).Observe(d.Seconds())
}
