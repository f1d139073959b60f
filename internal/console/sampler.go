package console

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// ringSize is the points a chart keeps: an hour at 10 s.
const ringSize = 360

// point is one sample of a chart.
type point struct {
	at    time.Time
	value float64
}

// ring is a chart's last ringSize points.
type ring struct {
	points [ringSize]point
	next   int
	n      int
}

// add appends p, forgetting the oldest past ringSize.
func (r *ring) add(p point) {
	r.points[r.next] = p
	r.next = (r.next + 1) % ringSize
	r.n = min(r.n+1, ringSize)
}

// all returns the points, oldest first.
func (r *ring) all() []point {
	out := make([]point, 0, r.n)
	for i := range r.n {
		out = append(out, r.points[(r.next-r.n+i+ringSize)%ringSize])
	}
	return out
}

// sampler reads the charts' series from a Gatherer: gauges as they are,
// counters as the rate since the previous sample. Safe for concurrent use.
type sampler struct {
	g      prometheus.Gatherer
	mu     sync.Mutex
	rings  [len(chartSeries)]ring
	last   [len(chartSeries)]float64
	lastAt time.Time
	gen    uint64        // samples taken
	fresh  chan struct{} // closed (and replaced) at every sample
}

func newSampler(g prometheus.Gatherer) *sampler { return &sampler{g: g, fresh: make(chan struct{})} }

// current returns the samples taken so far and a channel closed at the
// next sample.
func (s *sampler) current() (uint64, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen, s.fresh
}

// sample takes one sample of every series at now.
func (s *sampler) sample(now time.Time) {
	families := map[string]*dto.MetricFamily{}
	if s.g != nil {
		mfs, _ := s.g.Gather() // a partial gather still has what it could read
		for _, mf := range mfs {
			families[mf.GetName()] = mf
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, def := range chartSeries {
		v := sumOf(families, def.sum)
		if def.rate {
			raw := v
			switch dt := now.Sub(s.lastAt).Seconds(); {
			case s.lastAt.IsZero() || dt <= 0 || raw < s.last[i]: // first sample, or a counter reset
				v = 0
			default:
				v = (raw - s.last[i]) / dt
			}
			s.last[i] = raw
		}
		s.rings[i].add(point{at: now, value: v})
	}
	s.lastAt = now
	s.gen++
	close(s.fresh)
	s.fresh = make(chan struct{})
}

// snapshot returns every series' points and the sample count.
func (s *sampler) snapshot() ([len(chartSeries)][]point, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out [len(chartSeries)][]point
	for i := range s.rings {
		out[i] = s.rings[i].all()
	}
	return out, s.gen
}
