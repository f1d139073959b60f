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
	for _, name := range []string{"SEP0000DE000001.cnf.xml", "RingList.xml"} {
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

	if err := metrics.Lint(srv.Registry()); err != nil {
		t.Errorf("metrics: %v", err)
	}
	body := httpGet(t, "http://"+srv.AdminAddr().String()+"/metrics", http.StatusOK)
	fams, err := metrics.ParseText(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"Requests": 3, "RequestsProcessed": 2, "RequestsNotFound": 1, "SEPFoundCount": 2,
		"SEPNotFoundCount": 1, "SIPNotFoundCount": 1, "HttpRequests": 2, "HttpRequestsProcessed": 1, "HttpRequestsNotFound": 1,
		"BuildDeviceCount": 2, "MaxServingCount": 200, "HttpConnectRequests": 1}
	for _, cc := range metrics.CiscoNames() {
		v, ok := cc.Value(fams)
		if w, check := want[cc.Name]; check && (!ok || v < w || (cc.Name != "HttpConnectRequests" && v != w)) {
			t.Errorf("%s = %v, want %v", cc.Name, v, w)
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
