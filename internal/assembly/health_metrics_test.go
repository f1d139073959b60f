package assembly

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"cmtftp/internal/domain"
	"cmtftp/internal/metrics"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/tftpclient"
)

// TestHealthMetrics serves the demo site in-process and checks the
// metrics the alerts need: not-found answers split by whether the name is
// a known device's, the change feed's applied position catching up with
// the database's newest change, and the database reported down once it is
// closed.
func TestHealthMetrics(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	root := filepath.Join(dir, "tftp")
	os.Mkdir(root, 0o755)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, domain.DemoSite()); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Root: root, TFTPAddrs: []string{"127.0.0.1:0"}, HTTPAddr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0",
		ShutdownGrace: time.Second}, st)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(runCtx) }()

	checkNotFound(t, ctx, srv)

	changeAndWait(t, ctx, srv, st)
	head := value(t, srv, "cmtftp_change_feed_head_id")
	for deadline := time.Now().Add(5 * time.Second); value(t, srv, "cmtftp_change_feed_applied_id") < head; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("applied %v never reached head %v", value(t, srv, "cmtftp_change_feed_applied_id"), head)
		}
	}
	if head < 3 {
		t.Errorf("head %v after three changes", head)
	}
	if got := value(t, srv, "cmtftp_store_up"); got != 1 {
		t.Errorf("store_up %v with the database open", got)
	}
	if err := metrics.Lint(srv.Registry()); err != nil {
		t.Errorf("metrics: %v", err)
	}
	stop()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	st.Close()
	if got := value(t, srv, "cmtftp_store_up"); got != 0 {
		t.Errorf("store_up %v with the database closed", got)
	}
}

// checkNotFound asks srv for missing files of a known device, an unknown
// one, a common file and a trust list, and checks how each was counted.
func checkNotFound(t *testing.T, ctx context.Context, srv *Server) {
	t.Helper()
	var c tftpclient.Client
	tftpAddr := srv.TFTPAddrs()[0].String()
	for _, name := range []string{"SEP0000DE000001.missing", "SEP0000DE0000FF.cnf.xml", "nothing.txt", "CTLSEP0000DE000001.tlv"} {
		if _, err := c.Get(ctx, tftpAddr, name, io.Discard); err == nil {
			t.Fatalf("tftp %s: served, want not found", name)
		}
	}
	httpGet(t, "http://"+srv.HTTPAddr().String()+"/SEP0000DE000002.nope", http.StatusNotFound)
	cases := []struct {
		protocol, device string
		want             float64
	}{{"tftp", "known", 1}, {"tftp", "unknown", 1}, {"tftp", "none", 2}, {"http", "known", 1}, {"http", "unknown", 0}}
	// A request is counted after its answer went, which the client may
	// have read already: the counts are waited for.
	settled := func() bool {
		for _, tc := range cases {
			if value(t, srv, "cmtftp_files_not_found_total", "protocol", tc.protocol, "device", tc.device) != tc.want {
				return false
			}
		}
		return true
	}
	for deadline := time.Now().Add(5 * time.Second); !settled() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	for _, tc := range cases {
		if got := value(t, srv, "cmtftp_files_not_found_total", "protocol", tc.protocol, "device", tc.device); got != tc.want {
			t.Errorf("not found %s %s: %v, want %v", tc.protocol, tc.device, got, tc.want)
		}
	}
}

// value is the value of the series of metric name whose labels include
// the label pairs given; it fails the test when there is none.
func value(t *testing.T, srv *Server, name string, labels ...string) float64 {
	t.Helper()
	fams, err := srv.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if hasLabels(m, labels) {
				return m.GetCounter().GetValue() + m.GetGauge().GetValue()
			}
		}
	}
	t.Fatalf("no series %s%v", name, labels)
	return 0
}

func hasLabels(m *dto.Metric, pairs []string) bool {
	for i := 0; i+1 < len(pairs); i += 2 {
		found := false
		for _, l := range m.GetLabel() {
			found = found || l.GetName() == pairs[i] && l.GetValue() == pairs[i+1]
		}
		if !found {
			return false
		}
	}
	return true
}

// TestNotFoundDevice: the device label of each shape of name.
func TestNotFoundDevice(t *testing.T) {
	c := newNotFoundCounter(prometheus.NewRegistry(), func(mac string) bool { return mac == "0000DE000001" })
	for _, tc := range []struct{ name, want string }{
		{"SEP0000DE000001.cnf.xml", "known"},
		{"sep0000de000001.cnf.xml.sgn", "known"},
		{"SIP0000DE000001.cnf", "known"},
		{"ld0000de000001", "known"},
		{"SEP0000DE0000FF.cnf.xml", "unknown"},
		{"CTLSEP0000DE000001.tlv", "none"},
		{"ITLSEP0000DE000001.TLV", "none"},
		{"RingList.xml", "none"},
		{"English_United_States/g3-tones.xml", "none"},
		{"SEP0000DE00000.cnf.xml", "none"},
	} {
		if got := notFoundDevices[c.device(tc.name)]; got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// BenchmarkNotFoundCount: what counting one not-found answer costs on
// the request path (the MAC taken from the name, the known-device set
// asked, a counter incremented).
func BenchmarkNotFoundCount(b *testing.B) {
	k := newKnownDevices(nil, nil)
	k.set("SEP0000DE000001", 0x0000DE000001, true)
	c := newNotFoundCounter(prometheus.NewRegistry(), k.KnownMAC)
	b.ReportAllocs()
	for b.Loop() {
		c.count("tftp", "SEP0000DE000001.missing")
	}
}
