package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/admin"
	"cmtftp/internal/domain"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/tftpclient"
)

func percentile(d []time.Duration, p int) time.Duration {
	slices.Sort(d)
	return d[(len(d)-1)*p/100]
}

// BenchmarkFreshness changes a line's display name through the admin API
// and polls the phone's file over TFTP until the new name is in it: the
// time from commit to new bytes, p50 and p99 (SQLite).
func BenchmarkFreshness(b *testing.B) {
	dir := b.TempDir()
	adminAddr := freeTCP(b)
	port := strconv.Itoa(freePort(b))
	startServeIn(b, dir, nil, 1, "--demo", "--db", "sqlite:cmtftp-demo/cmtftp.db", "--tftp-addr", "127.0.0.1:"+port, "--admin-addr", adminAddr)
	c := &admin.Client{Base: "http://" + adminAddr}
	ctx := context.Background()
	// The change comes either through the admin API (the server's own
	// process) or from another process writing the same SQLite file.
	other, err := sqlite.Open(ctx, filepath.Join(dir, "cmtftp-demo", "cmtftp.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer other.Close()
	for _, writer := range []string{"api", "other-process"} {
		b.Run(writer, func(b *testing.B) {
			put := func(l *domain.Line) error { _, err := c.Put(ctx, l); return err }
			if writer == "other-process" {
				put = func(l *domain.Line) error { _, err := other.Put(ctx, l); return err }
			}
			freshness(b, port, put)
		})
	}
}

func freshness(b *testing.B, port string, put func(*domain.Line) error) {
	ctx := context.Background()
	client := &tftpclient.Client{Timeout: time.Second, Retries: 3}
	var lat []time.Duration
	var buf bytes.Buffer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		name := fmt.Sprintf("Fresh %d %d", i, time.Now().UnixNano())
		if err := put(&domain.Line{Number: "4002", DisplayName: name, Label: "Blaise", VoicemailPilot: "4999"}); err != nil {
			b.Fatal(err)
		}
		committed := time.Now()
		for {
			buf.Reset()
			if _, err := client.Get(ctx, "127.0.0.1:"+port, "SEP0000DE000002.cnf.xml", &buf); err != nil {
				b.Fatal(err)
			}
			if bytes.Contains(buf.Bytes(), []byte("<displayName>"+name+"</displayName>")) {
				lat = append(lat, time.Since(committed))
				break
			}
			if time.Since(committed) > 5*time.Second {
				b.Fatalf("change %d not served after 5 s", i)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(percentile(lat, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 99).Microseconds())/1000, "p99-ms")
}

// BenchmarkStorm100k: 200 phones at once, each fetching its own
// SEP<MAC>.cnf.xml from a 100,000-device SQLite database, first with a cold
// cache (every file built on request), then warm; transfers/s and p99 of
// each, and the server's RSS with all 100,000 configurations cached.
func BenchmarkStorm100k(b *testing.B) {
	const n, phones = 100000, 200
	dir := b.TempDir()
	db := filepath.Join(dir, "storm.db")
	ctx := context.Background()
	writeDeviceDB(b, db, n, "8841", domain.ProtocolSIP, 2)
	port := strconv.Itoa(freePort(b))
	srv := startServe(b, nil, 1, "--root", b.TempDir(), "--db", "sqlite:"+db, "--tftp-addr", "127.0.0.1:"+port, "--max-serving-count", "1000", "--max-per-source", "-1") // 200 phones on one address
	pid := srv.Process.Pid

	storm := func(names []string) (float64, time.Duration) {
		var mu sync.Mutex
		var lat []time.Duration
		work := make(chan string, len(names))
		for _, nm := range names {
			work <- nm
		}
		close(work)
		start := time.Now()
		var wg sync.WaitGroup
		for p := 0; p < phones; p++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := &tftpclient.Client{Timeout: 2 * time.Second, Retries: 5}
				for nm := range work {
					t0 := time.Now()
					if _, err := c.Get(ctx, "127.0.0.1:"+port, nm, io.Discard); err != nil {
						b.Errorf("%s: %v", nm, err)
						return
					}
					d := time.Since(t0)
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		return float64(len(names)) / time.Since(start).Seconds(), percentile(lat, 99)
	}
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("SEP%012X.cnf.xml", 0xA00000000000+i)
	}
	b.ResetTimer()
	coldRate, coldP99 := storm(names)
	warmRate, warmP99 := storm(names)
	b.StopTimer()
	b.ReportMetric(coldRate, "cold-transfers/s")
	b.ReportMetric(float64(coldP99.Microseconds())/1000, "cold-p99-ms")
	b.ReportMetric(warmRate, "warm-transfers/s")
	b.ReportMetric(float64(warmP99.Microseconds())/1000, "warm-p99-ms")
	if status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		for _, l := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(l, "VmRSS:") {
				kb, _ := strconv.ParseFloat(strings.Fields(l)[1], 64)
				b.ReportMetric(kb/1024, "MiB-RSS-all-cached")
			}
		}
	}
}
