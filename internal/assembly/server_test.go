package assembly

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/metrics"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/tftpclient"
)

// TestServer assembles a server in-process over the demo site, fetches
// built and root files over TFTP and HTTP, checks the counters each
// component registered (and lints the whole registry), and stops it: Run
// returns only after every listener stopped.
func TestServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	root := filepath.Join(dir, "tftp")
	os.Mkdir(root, 0o755)
	os.WriteFile(filepath.Join(root, "RingList.xml"), []byte("<CiscoIPPhoneRingList/>"), 0o644)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
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

	tftpAddr := srv.TFTPAddrs()[0].String()
	var c tftpclient.Client
	for _, name := range []string{"SEP0000DE000001.cnf.xml", "RingList.xml", "ld0000de000004", "AN00DE0000A1200.cnf.xml"} {
		var buf bytes.Buffer
		if _, err := c.Get(ctx, tftpAddr, name, &buf); err != nil || buf.Len() == 0 {
			t.Fatalf("tftp %s: %d bytes, %v", name, buf.Len(), err)
		}
	}
	var re *tftpclient.RemoteError
	if _, err := c.Get(ctx, tftpAddr, "SEP0000DE0000FF.cnf.xml", io.Discard); !errors.As(err, &re) {
		t.Fatalf("tftp missing device: %v, want a remote error", err)
	}
	httpGet(t, "http://"+srv.HTTPAddr().String()+"/SIP0000DE0000FF.cnf", http.StatusNotFound)
	httpGet(t, "http://"+srv.HTTPAddr().String()+"/SEP0000DE000002.cnf.xml", http.StatusOK)

	changeAndWait(t, ctx, srv, st)
	if err := metrics.Lint(srv.Registry()); err != nil {
		t.Errorf("metrics: %v", err)
	}
	body := httpGet(t, "http://"+srv.AdminAddr().String()+"/metrics", http.StatusOK)
	fams, err := metrics.ParseText(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"Requests": 5, "RequestsProcessed": 4, "RequestsNotFound": 1, "RequestsInProgress": 0,
		"SEPFoundCount": 2, "SEPNotFoundCount": 1, "SIPNotFoundCount": 1, "LDFoundCount": 1, "HttpRequests": 2,
		"HttpRequestsProcessed": 1, "HttpRequestsNotFound": 1, "BuildDeviceCount": 3, "BuildUnitCount": 1, "BuildCount": 4,
		"MaxServingCount": 200, "ChangeNotifications": 3, "DeviceChangeNotifications": 0, "SoftkeyChangeNotifications": 1,
		"DialruleChangeNotifications": 1, "UnitChangeNotifications": 1}
	atLeast := map[string]float64{"HttpConnectRequests": 1, "SegmentsSent": 3, "SegmentsAcknowledged": 3, "HeartBeat": 0.001}
	for _, cc := range metrics.CiscoNames() {
		v, ok := cc.Value(fams)
		if w, check := want[cc.Name]; check && (!ok || v != w) {
			t.Errorf("%s = %v, want %v", cc.Name, v, w)
		}
		if w, check := atLeast[cc.Name]; check && (!ok || v < w) {
			t.Errorf("%s = %v, want at least %v", cc.Name, v, w)
		}
	}
	stop()
	select {
	case err := <-ran:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("Run did not return after its context ended")
	}
	if _, err := http.Get("http://" + srv.HTTPAddr().String() + "/RingList.xml"); err == nil {
		t.Error("HTTP still answers after Run returned")
	}
}

func httpGet(t *testing.T, url string, status int) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: %d, want %d", url, resp.StatusCode, status)
	}
	return b
}

// changeAndWait changes a softkey template and a dial plan in the database
// and waits until the server's feed has counted both notifications.
func changeAndWait(t *testing.T, ctx context.Context, srv *Server, st store.Store) {
	t.Helper()
	sk, err := store.Get[*domain.SoftkeyTemplate](ctx, st, "Standard-User")
	if err != nil {
		t.Fatal(err)
	}
	sk.Description = "changed"
	dp, err := store.Get[*domain.DialPlan](ctx, st, "demo-79x1")
	if err != nil {
		t.Fatal(err)
	}
	dp.Description = "changed"
	gw, err := store.Get[*domain.Gateway](ctx, st, "SKIGW00DE0000A1")
	if err != nil {
		t.Fatal(err)
	}
	gw.Description = "changed"
	for _, e := range []domain.Entity{sk, dp, gw} {
		if _, err := st.Put(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		fams, err := srv.Registry().Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fams {
			if f.GetName() != "cmtftp_change_notifications_total" {
				continue
			}
			var n float64
			for _, m := range f.GetMetric() {
				n += m.GetCounter().GetValue()
			}
			if n >= 3 {
				return
			}
		}
	}
	t.Fatal("the change notifications were never counted")
}
