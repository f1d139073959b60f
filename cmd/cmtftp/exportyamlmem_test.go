package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/admin"
	"cmtftp/internal/domain"
	"cmtftp/internal/store/storetest"
)

// maxExportGrowth bounds how far a streamed export may grow the heap of
// client and server together, whatever the size of the site: their buffers
// and one record at a time, and what the collector has not yet taken.
const maxExportGrowth = 6 << 20

// countWriter counts the bytes written to it and keeps none.
type countWriter struct{ n int64 }

func (c *countWriter) Write(b []byte) (int, error) { c.n += int64(len(b)); return len(b), nil }

// peakHeap runs f and returns how far the heap grew above its live size
// before f at most, sampled every 2 ms, with the collector's
// GOGC at gcPercent (run often, garbage not yet collected counts little).
func peakHeap(gcPercent int, f func() error) (uint64, error) {
	defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	base, peak := m.HeapAlloc, m.HeapAlloc
	stop, wg := make(chan struct{}), sync.WaitGroup{}
	wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		var s runtime.MemStats
		for {
			runtime.ReadMemStats(&s)
			peak = max(peak, s.HeapAlloc)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	err := f()
	close(stop)
	wg.Wait()
	return peak - base, err
}

// TestExportYAMLBoundedMemory: exporting a site of 50,000 devices as YAML
// (10,000 under the race detector) grows the heap (client and server
// together, in this process) by at most maxExportGrowth, less than a third
// of the document's 16 MB (2 to 4.5 MiB measured), where decoding it whole
// first grows it by more than the document (1.4 GiB). CMTFTP_EXPORT_DEVICES sets the number of devices.
func TestExportYAMLBoundedMemory(t *testing.T) {
	n := 50_000
	if raceDetector { // 50,000 took 220 s and 5.8 GB there
		n = 10_000
	}
	if v := os.Getenv("CMTFTP_EXPORT_DEVICES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	url, st := startAPI(t, nil)
	site := storetest.Site()
	for i := range n {
		site.Devices = append(site.Devices, &domain.Device{MAC: fmt.Sprintf("00AB%08X", i), Model: "7970", Protocol: "SIP", Pool: "HQ",
			SIPProfile: "Standard SIP", DialPlan: "dp79x1", SoftkeyTemplate: "Standard", Description: fmt.Sprintf("desk %d, floor 3", i),
			Lines: []domain.Appearance{{Button: 1, Line: "4001"}, {Button: 2, Line: "4100"}}})
	}
	if _, err := st.Apply(ctx, site); err != nil {
		t.Fatal(err)
	}
	site = nil
	c := &admin.Client{Base: url}
	var out countWriter
	start := time.Now()
	grew, err := peakHeap(10, func() error { return exportYAML(ctx, c, &out) })
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	whole := wholeExportHeap(t, c)
	t.Logf("%d devices: %d bytes of YAML in %v; heap grew by %.1f MiB streamed, %.1f MiB decoded whole first (0: not measured under the race detector)",
		n, out.n, took.Round(time.Millisecond), float64(grew)/(1<<20), float64(whole)/(1<<20))
	if grew > maxExportGrowth || (out.n > 3*maxExportGrowth && grew > uint64(out.n/3)) {
		t.Errorf("streamed export of %d bytes grew the heap by %d bytes", out.n, grew)
	}
	if !raceDetector && whole < uint64(out.n) { // the probe sees a document held whole
		t.Errorf("export decoded whole grew the heap by %d bytes only, for %d bytes of YAML", whole, out.n)
	}
}

// wholeExportHeap is peakHeap of an export decoded whole first (what export
// did before it streamed), to show the probe sees a document held whole;
// 0 under the race detector, where it takes minutes and gigabytes.
func wholeExportHeap(t *testing.T, c *admin.Client) uint64 {
	t.Helper()
	if raceDetector {
		return 0
	}
	whole, err := peakHeap(100, func() error { // not 10: collecting a held heap often takes long
		s, err := c.Export(context.Background())
		if err != nil {
			return err
		}
		return emit(io.Discard, "yaml", s)
	})
	if err != nil {
		t.Fatal(err)
	}
	return whole
}
