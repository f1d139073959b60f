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
	return m
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
