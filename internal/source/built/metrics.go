package built

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"cmtftp/internal/render"
)

// Metrics counts the builds of the built-file step (BuildCount,
// BuildAbortCount, BuildDeviceCount…, BuildDuration). Its Built method is
// the Source's OnBuild hook.
type Metrics struct {
	builds   prometheus.Counter
	aborts   prometheus.Counter
	files    *prometheus.CounterVec
	duration prometheus.Gauge

	// The cache's, set by a Source whose Metrics field is this.
	bytes, entries prometheus.Gauge
	evictions      prometheus.Counter
	rebuilds       [numCauses]prometheus.Counter
}

// buildKinds are the values of the kind label of build_files_total.
var buildKinds = [...]string{"device", "dialrule", "softkey", "unit", "default"}

// NewMetrics registers the build counters in reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		builds: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "cmtftp", Name: "builds_total", Help: "File builds run (BuildCount)."}),
		aborts: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "cmtftp", Name: "build_aborts_total",
			Help: "Builds whose result was discarded: the database failed, or a change arrived while building (BuildAbortCount)."}),
		files: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cmtftp", Name: "build_files_total",
			Help: "Files built, by kind: device, dialrule, softkey, unit (gateway .cnf), default (BuildDeviceCount, BuildDialruleCount, BuildSoftkeyCount, BuildUnitCount)."},
			[]string{"kind"}),
		duration: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "cmtftp", Name: "build_last_duration_seconds",
			Help: "Duration of the most recent build (BuildDuration)."}),
	}
	for _, k := range buildKinds {
		m.files.WithLabelValues(k)
	}
	reg.MustRegister(m.builds, m.aborts, m.files, m.duration)
	m.registerCache(reg)
	return m
}

// registerCache registers the gauges and counters of the kept files.
func (m *Metrics) registerCache(reg prometheus.Registerer) {
	m.bytes = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "cmtftp", Name: "build_cache_bytes",
		Help: "Bytes the kept built files count against the byte budget (their bytes, names, dependencies and entries)."})
	m.entries = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "cmtftp", Name: "build_cache_entries",
		Help: "Built files kept in memory."})
	m.evictions = prometheus.NewCounter(prometheus.CounterOpts{Namespace: "cmtftp", Name: "build_cache_evictions_total",
		Help: "Kept built files dropped, least recently served first, to stay within the byte budget."})
	rebuilds := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cmtftp", Name: "build_rebuilds_total",
		Help: "Files built, by why none was kept: first (never kept), changed (a record it was rendered from changed), evicted (dropped for the budget), uncached (caching of configuration files off)."},
		[]string{"cause"})
	for c, name := range causeNames {
		m.rebuilds[c] = rebuilds.WithLabelValues(name)
	}
	reg.MustRegister(m.bytes, m.entries, m.evictions, rebuilds)
}

// Built counts one build of one file of the given kind.
func (m *Metrics) Built(kind render.Kind, d time.Duration, err error, discarded bool) {
	m.builds.Inc()
	m.duration.Set(d.Seconds())
	if err != nil || discarded {
		m.aborts.Inc()
		if err != nil {
			return
		}
	}
	m.files.WithLabelValues(kind.Class()).Inc()
}
