package remote

import (
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"cmtftp/internal/domain"
)

// answer is what one remote server said to one request.
type answer int

const (
	answerHit         answer = iota // 200: the file
	answerNotModified               // 304: the kept copy is current
	answerNotFound                  // 404: ask the next server
	answerBusy                      // 503: the device is told to retry later
	answerLoop                      // 508: the request came back to a server it passed
	answerError                     // a timeout, a connection error, another status
	answerSkipped                   // not asked: marked down
)

// answerNames label the answers in metrics.
var answerNames = [...]string{"hit", "not_modified", "not_found", "busy", "loop", "error"}

// server is one configured server of a remote cluster: where it is asked,
// its health, and what it answered.
type server struct {
	cluster, addr string // as configured
	base          string // "http://host:port"
	latency       prometheus.Histogram
	answers       [len(answerNames)]atomic.Uint64

	mu        sync.Mutex
	downUntil time.Time
	lastErr   string
	lastErrAt time.Time
}

// newServer resolves a configured "host[:port]" into its base URL.
func newServer(cluster, addr string) (*server, error) {
	host, port, err := domain.RemoteServerAddr(addr)
	if err != nil {
		return nil, err
	}
	return &server{
		cluster: cluster, addr: addr,
		base: "http://" + net.JoinHostPort(host, strconv.Itoa(port)),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "cmtftp", Name: "remote_request_seconds",
			Help:        "Time remote cluster servers took to answer a request, by configured server.",
			ConstLabels: prometheus.Labels{"cluster": cluster, "server": addr},
			Buckets:     []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
	}, nil
}

// down reports whether the server is marked down: it stays so, and is not
// asked, until a probe after downUntil finds it answering (probe.go).
func (s *server) down() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.downUntil.IsZero()
}

// markDown keeps the server from requests for d and records why; it
// reports whether the server was up until now.
func (s *server) markDown(now time.Time, d time.Duration, err error) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	wasUp := s.downUntil.IsZero()
	s.downUntil = now.Add(d)
	s.lastErr, s.lastErrAt = err.Error(), now
	return wasUp
}

// markUp ends a down mark; it reports whether there was one.
func (s *server) markUp() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	was := !s.downUntil.IsZero()
	s.downUntil = time.Time{}
	return was
}

// noteError records an error that does not mark the server down (an
// unexpected status, a refused loop).
func (s *server) noteError(now time.Time, msg string) {
	s.mu.Lock()
	s.lastErr, s.lastErrAt = msg, now
	s.mu.Unlock()
}

// probeDue reports whether the server is marked down and its time is up.
func (s *server) probeDue(now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.downUntil.IsZero() && !now.Before(s.downUntil)
}

// count records one answer.
func (s *server) count(a answer, took time.Duration) {
	if a < answerSkipped {
		s.answers[a].Add(1)
		s.latency.Observe(took.Seconds())
	}
}

// status is the server's view for `cmtftp remote status`.
func (s *server) status() ServerStatus {
	st := ServerStatus{Server: s.addr, URL: s.base,
		Hits:     s.answers[answerHit].Load() + s.answers[answerNotModified].Load(),
		NotFound: s.answers[answerNotFound].Load(),
		Busy:     s.answers[answerBusy].Load(),
		Errors:   s.answers[answerError].Load() + s.answers[answerLoop].Load(),
	}
	for i := range s.answers {
		st.Requests += s.answers[i].Load()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st.Up, st.DownUntil = s.downUntil.IsZero(), s.downUntil
	st.LastError, st.LastErrorAt = s.lastErr, s.lastErrAt
	return st
}
