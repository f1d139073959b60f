package metrics

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"cmtftp/internal/domain"
	"cmtftp/internal/httpd"
	"cmtftp/internal/render"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
	"cmtftp/internal/tftpd"
)

func newTest() *Metrics {
	snap := tftpd.StatsSnapshot{Requests: 7, RequestsProcessed: 5, RequestsNotFound: 2, InProgress: 1, SegmentsSent: 40}
	return New(func() tftpd.StatsSnapshot { return snap }, source.NewSlots(200))
}

func scrape(t *testing.T, m *Metrics) []byte {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b
}

// TestLint runs promlint over everything /metrics serves.
func TestLint(t *testing.T) {
	m := newTest()
	m.Built(render.DeviceXMLFile, time.Millisecond, nil, false)
	problems, err := promlint.New(bytes.NewReader(scrape(t, m))).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
}

// TestCiscoNames: every RTMT counter is published, hooks move the right one.
func TestCiscoNames(t *testing.T) {
	m := newTest()
	m.TFTPDone(tftpd.Result{Name: "SEP001122334455.cnf.xml", Outcome: tftpd.OutcomeCompleted})
	m.TFTPDone(tftpd.Result{Name: "SEP0011223344FF.cnf.xml", Outcome: tftpd.OutcomeNotFound})
	m.TFTPDone(tftpd.Result{Name: "ld001122334455", Outcome: tftpd.OutcomeCompleted})
	m.TFTPDone(tftpd.Result{Name: "RingList.xml", Outcome: tftpd.OutcomeCompleted})
	m.HTTPDone(httpd.Result{Name: "SIP001122334455.cnf", Status: 404})
	m.HTTPDone(httpd.Result{Name: "x", Status: 503, Overflow: true})
	m.HTTPDone(httpd.Result{Name: "big.loads", Status: 200, FromDisk: true})
	m.Built(render.DR79x1File, time.Millisecond, nil, false)
	m.Built(render.DeviceXMLFile, 2*time.Millisecond, nil, true)
	m.Change(store.Change{Kind: domain.KindDevice})
	m.Change(store.Change{Kind: domain.KindSoftkey})
	fams, err := ParseText(bytes.NewReader(scrape(t, m)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"Requests": 7, "RequestsProcessed": 5, "RequestsNotFound": 2, "RequestsInProgress": 1, "SegmentsSent": 40,
		"SEPFoundCount": 1, "SEPNotFoundCount": 1, "LDFoundCount": 1, "SIPNotFoundCount": 1, "HttpRequests": 3, "HttpRequestsOverflow": 1,
		"HttpRequestsNotFound": 1, "HttpRequestsProcessed": 1, "HttpServedFromDisk": 1, "BuildCount": 2, "BuildAbortCount": 1,
		"BuildDialruleCount": 1, "BuildDeviceCount": 1, "ChangeNotifications": 2, "DeviceChangeNotifications": 1,
		"SoftkeyChangeNotifications": 1, "MaxServingCount": 200}
	for _, c := range CiscoNames {
		v, ok := c.Value(fams)
		if !ok {
			t.Errorf("%s: metric %s is not published", c.Name, c.Metric)
			continue
		}
		if w, ok := want[c.Name]; ok && v != w {
			t.Errorf("%s = %v, want %v", c.Name, v, w)
		}
	}
	for _, f := range fams {
		if !strings.HasPrefix(f.GetName(), "cmtftp_") {
			continue // the Go and process collectors
		}
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				if strings.Contains(l.GetValue(), ".") || strings.Contains(l.GetValue(), ":") {
					t.Errorf("%s has an unbounded-looking label value %q", f.GetName(), l.GetValue())
				}
			}
		}
	}
}
