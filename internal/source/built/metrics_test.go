package built

import (
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"cmtftp/internal/render"
)

// TestMetrics: a build counts in BuildCount and its class; a discarded or
// failed one in BuildAbortCount; BuildDuration is the last one's.
func TestMetrics(t *testing.T) {
	m := NewMetrics(prometheus.NewRegistry())
	m.Built(render.DR79x1File, time.Millisecond, nil, false)
	m.Built(render.DeviceXMLFile, 2*time.Millisecond, nil, true)
	m.Built(render.SoftkeyXMLFile, 3*time.Millisecond, errors.New("database gone"), false)
	for _, tc := range []struct {
		c    prometheus.Collector
		want float64
	}{
		{m.builds, 3}, {m.aborts, 2}, {m.files.WithLabelValues("dialrule"), 1}, {m.files.WithLabelValues("device"), 1},
		{m.files.WithLabelValues("softkey"), 0}, {m.duration, 0.003},
	} {
		if got := testutil.ToFloat64(tc.c); got != tc.want {
			t.Errorf("%v = %v, want %v", tc.c, got, tc.want)
		}
	}
}
