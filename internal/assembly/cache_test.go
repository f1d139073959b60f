package assembly

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"cmtftp/internal/domain"
	"cmtftp/internal/metrics"
	"cmtftp/internal/source/built"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/tftpclient"
)

// TestCacheStatus: the byte budget of the Config reaches the built files,
// GET /api/v1/cache/status shows what is kept and built, and the cache's
// metrics are registered (and lint clean).
func TestCacheStatus(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Apply(ctx, domain.DemoSite()); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Root: dir, TFTPAddrs: []string{"127.0.0.1:0"}, HTTPAddr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0", ShutdownGrace: time.Second,
		ConfigCacheBytes: 3 << 20}, st)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go srv.Run(runCtx)
	var c tftpclient.Client
	for _, name := range []string{"SEP0000DE000001.cnf.xml", "SEP0000DE000002.cnf.xml", "SEP0000DE000001.cnf.xml"} {
		if _, err := c.Get(ctx, srv.TFTPAddrs()[0].String(), name, io.Discard); err != nil {
			t.Fatalf("tftp %s: %v", name, err)
		}
	}
	var got built.Stats
	body := httpGet(t, "http://"+srv.AdminAddr().String()+"/api/v1/cache/status", 200)
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	if got.Entries != 2 || got.BudgetBytes != 3<<20 || got.Builds["first"] != 2 || got.Bytes <= got.FileBytes || !got.Caching {
		t.Errorf("cache status %s", body)
	}
	for name, want := range map[string]float64{"cmtftp_build_cache_entries": 2, "cmtftp_build_cache_bytes": float64(got.Bytes)} {
		n, err := testutil.GatherAndCount(srv.Registry(), name)
		if err != nil || n != 1 {
			t.Errorf("%s: %d series, %v", name, n, err)
		}
		body := httpGet(t, "http://"+srv.AdminAddr().String()+"/metrics", 200)
		fams, err := metrics.ParseText(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if f := fams[name]; f == nil || len(f.GetMetric()) != 1 || f.GetMetric()[0].GetGauge().GetValue() != want {
			t.Errorf("%s: %v, want %v", name, f, want)
		}
	}
	if err := metrics.Lint(srv.Registry()); err != nil {
		t.Errorf("metrics: %v", err)
	}
}
