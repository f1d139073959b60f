package httpd

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"cmtftp/internal/source"
)

// TestMetrics: each result of a request moves its counter (HttpRequests…,
// HttpServedFromDisk, HttpConnectRequests).
func TestMetrics(t *testing.T) {
	eachServer(t, func(t *testing.T, k serverKind) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "big.loads"), []byte("load"), 0o644)
		disk, err := source.NewDisk(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer disk.Close()
		m := NewMetrics(prometheus.NewRegistry())
		slots := source.NewSlots(10)
		h := &Handler{Source: source.First(chain(map[string]string{"SEP001122334455.cnf.xml": "<device/>"}), disk), Slots: slots, Metrics: m}
		srv := k.start(h, serverOpts{connState: m.ConnState})
		defer srv.Close()
		get := func(path string, status int) {
			t.Helper()
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != status {
				t.Fatalf("%s: %d, want %d", path, resp.StatusCode, status)
			}
		}
		get("/SEP001122334455.cnf.xml", 200)
		get("/big.loads", 200)
		get("/SIP001122334455.cnf", 404)
		get("/busy.xml", 503)
		slots.SetMax(0)
		get("/SEP001122334455.cnf.xml", 503)
		// A request is counted once its answer has gone, which the client
		// may have read already: the counts are waited for.
		want := map[string]float64{"processed": 2, "not_found": 1, "busy": 1, "overflow": 1, "aborted": 0, "error": 0}
		settled := func() bool {
			for result, w := range want {
				if testutil.ToFloat64(m.requests.WithLabelValues(result)) != w {
					return false
				}
			}
			return testutil.ToFloat64(m.fromDisk) == 1
		}
		for deadline := time.Now().Add(5 * time.Second); !settled() && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		for result, w := range want {
			if got := testutil.ToFloat64(m.requests.WithLabelValues(result)); got != w {
				t.Errorf("http_requests_total{result=%q} = %v, want %v", result, got, w)
			}
		}
		if got := testutil.ToFloat64(m.fromDisk); got != 1 {
			t.Errorf("served from disk = %v, want 1", got)
		}
		if got := testutil.ToFloat64(m.connections); got < 1 {
			t.Errorf("connections = %v", got)
		}
	})
}
