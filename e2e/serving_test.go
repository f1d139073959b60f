package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	dto "github.com/prometheus/client_model/go"

	"cmtftp/internal/metrics"
	"cmtftp/internal/tftp"
	"cmtftp/internal/tftpclient"
)

// scrape reads a server's /metrics.
func scrape(t *testing.T, admin string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get("http://" + admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	fams, err := metrics.ParseText(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// metricValue reads one Cisco-named counter from a server's /metrics.
func metricValue(t *testing.T, admin, cisco string) float64 {
	t.Helper()
	fams := scrape(t, admin)
	for _, c := range metrics.CiscoNames() {
		if c.Name == cisco {
			v, _ := c.Value(fams)
			return v
		}
	}
	t.Fatalf("no counter %s", cisco)
	return 0
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n++; w.n > 1 {
		return 0, errors.New("phone gave up")
	}
	return len(p), nil
}

// TestRequestMix: 10,000 requests for missing, zero-byte and aborted
// transfers leave nothing in progress and no serving slot taken, and the
// counters add up.
func TestRequestMix(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "zero.bin"), nil, 0o644)
	randomFile(t, root, "big.bin", 64<<10)
	admin := freeTCP(t)
	port := strconv.Itoa(freePort(t))
	startServe(t, nil, 1, "--root", root, "--tftp-addr", "127.0.0.1:"+port, "--admin-addr", admin, "--max-per-source", "-1") // 50 clients on one address
	const total, workers = 10000, 50
	var mu sync.Mutex
	counts := map[string]int{}
	var wg sync.WaitGroup
	next := make(chan int, total)
	for i := 0; i < total; i++ {
		next <- i
	}
	close(next)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A request sent again while its transfer is under way is
			// dropped as a duplicate; one sent again after the transfer
			// ended (a server slower than the timeout) is a new request,
			// and the counts below would no longer be exact.
			c := &tftpclient.Client{Timeout: 5 * time.Second, Retries: 3}
			for i := range next {
				var err error
				kind := []string{"missing", "zero", "aborted"}[i%3]
				switch kind {
				case "missing":
					_, err = c.Get(ctx, "127.0.0.1:"+port, fmt.Sprintf("SEP%012X.cnf.xml", i), io.Discard)
					var re *tftpclient.RemoteError
					if !errors.As(err, &re) || re.Code != tftp.ErrFileNotFound {
						err = fmt.Errorf("missing file: %v", err)
					} else {
						err = nil
					}
				case "zero":
					_, err = c.Get(ctx, "127.0.0.1:"+port, "zero.bin", io.Discard)
				case "aborted":
					if _, e := c.Get(ctx, "127.0.0.1:"+port, "big.bin", &failingWriter{}); e == nil {
						err = errors.New("aborted transfer completed")
					}
				}
				mu.Lock()
				if err != nil {
					counts["error: "+err.Error()]++
				}
				counts[kind]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for k, n := range counts {
		if strings.HasPrefix(k, "error") {
			t.Errorf("%d × %s", n, k)
		}
	}
	waitUntil(t, func() bool {
		return metricValue(t, admin, "RequestsInProgress") == 0
	})
	if got := metricValue(t, admin, "Requests"); got != total {
		t.Errorf("Requests = %v, want %d", got, total)
	}
	if got := metricValue(t, admin, "RequestsNotFound"); got != float64(counts["missing"]) {
		t.Errorf("RequestsNotFound = %v, want %d", got, counts["missing"])
	}
	if got := metricValue(t, admin, "SEPNotFoundCount"); got != float64(counts["missing"]) {
		t.Errorf("SEPNotFoundCount = %v, want %d", got, counts["missing"])
	}
	if got := metricValue(t, admin, "RequestsAborted"); got != float64(counts["aborted"]) {
		t.Errorf("RequestsAborted = %v, want %d", got, counts["aborted"])
	}
}

// TestBuildCNFOverTFTP: switching Build CNF Files changes which .cnf files
// exist, at once, over TFTP.
func TestBuildCNFOverTFTP(t *testing.T) {
	dir := t.TempDir()
	admin := freeTCP(t)
	port := strconv.Itoa(freePort(t))
	startServeIn(t, dir, nil, 1, "--demo", "--db", "sqlite:cmtftp-demo/cmtftp.db", "--tftp-addr", "127.0.0.1:"+port, "--admin-addr", admin)
	has := func(name string) bool {
		_, err := (&tftpclient.Client{}).Get(context.Background(), "127.0.0.1:"+port, name, io.Discard)
		return err == nil
	}
	devices := []string{"SEP0000DE000001", "SEP0000DE000002", "SEP0000DE000003", "SEP0000DE000004", "SEP0000DE000005", "SEP0000DE000006", "SEP0000DE000007"}
	if has("SEP0000DE000001.cnf") || !has("SEP0000DE000007.cnf") {
		t.Fatalf("Build Selective: only the 12 SP+ has a .cnf")
	}
	mustCLI(t, admin, "param", "set", "BuildCNFFiles", "Build All")
	waitUntil(t, func() bool { return has("SEP0000DE000001.cnf") })
	for _, d := range devices {
		if !has(d + ".cnf") {
			t.Errorf("Build All: no %s.cnf", d)
		}
	}
	mustCLI(t, admin, "param", "set", "BuildCNFFiles", "Build None")
	waitUntil(t, func() bool { return !has("SEP0000DE000007.cnf") })
	for _, d := range devices {
		if has(d + ".cnf") {
			t.Errorf("Build None: %s.cnf still served", d)
		}
	}
	if got := metricValue(t, admin, "ChangeNotifications"); got < 2 {
		t.Errorf("ChangeNotifications = %v after two parameter changes", got)
	}
}

// TestDatabaseUnavailable runs the server on PostgreSQL, takes the
// database away, and checks that cached files are still served, an
// uncached config file gets "busy" (never "not found"), and everything
// catches up when the database comes back.
func TestDatabaseUnavailable(t *testing.T) {
	base := os.Getenv("CMTFTP_TEST_POSTGRES")
	if base == "" {
		t.Fatal("CMTFTP_TEST_POSTGRES is not set: run ./scripts/test, which starts a throwaway PostgreSQL")
	}
	ctx := context.Background()
	adminConn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer adminConn.Close(ctx)
	name := fmt.Sprintf("cmtftp_e2e_%d", os.Getpid())
	if _, err := adminConn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		adminConn.Exec(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS true")
		adminConn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, _ := url.Parse(base)
	u.Path = "/" + name
	dir := t.TempDir()
	admin := freeTCP(t)
	httpAddr := freeTCP(t)
	port := strconv.Itoa(freePort(t))
	startServeIn(t, dir, nil, 1, "--demo", "--db", u.String(), "--tftp-addr", "127.0.0.1:"+port, "--admin-addr", admin, "--http-addr", httpAddr)
	get := func(file string) error {
		_, err := (&tftpclient.Client{Timeout: time.Second, Retries: 2}).Get(ctx, "127.0.0.1:"+port, file, io.Discard)
		return err
	}
	// serve --demo seeds a new SQLite file only; this PostgreSQL database
	// gets the example site.
	mustCLI(t, admin, "apply", "-f", "../examples/site.yaml")
	// Warm the cache once the apply's change events have all arrived: two
	// fetches in a row that cost one build mean the second was cached.
	waitUntil(t, func() bool {
		b0 := metricValue(t, admin, "BuildCount")
		if err := get("SEP001122334401.cnf.xml"); err != nil {
			t.Fatalf("warm-up: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
		get("SEP001122334401.cnf.xml")
		return metricValue(t, admin, "BuildCount")-b0 <= 1
	})
	// Take the database away.
	if _, err := adminConn.Exec(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS false"); err != nil {
		t.Fatal(err)
	}
	if _, err := adminConn.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name); err != nil {
		t.Fatal(err)
	}
	if err := get("SEP001122334401.cnf.xml"); err != nil {
		t.Errorf("cached file with the database gone: %v", err)
	}
	err = get("SEP001122334402.cnf.xml")
	var re *tftpclient.RemoteError
	if !errors.As(err, &re) || re.Code != tftp.ErrUndefined || !strings.Contains(re.Message, "busy") {
		t.Errorf("uncached config with the database gone: %v, want ERROR 0 busy", err)
	}
	resp, err := http.Get("http://" + httpAddr + "/SEP001122334402.cnf.xml")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("HTTP with the database gone: %d, want 503 with Retry-After", resp.StatusCode)
	}
	// Bring it back: requests succeed again, and a change made by another
	// writer reaches the device file (SEP001122334402 shows the lines of
	// the logged-in profile ada-em: 2001).
	if _, err := adminConn.Exec(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS true"); err != nil {
		t.Fatal(err)
	}
	other, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	if _, err := other.Exec(ctx, "UPDATE lines SET display_name = 'Back Again' WHERE number = '2001'"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool {
		var b strings.Builder
		_, err := (&tftpclient.Client{Timeout: time.Second, Retries: 1}).Get(ctx, "127.0.0.1:"+port, "SEP001122334402.cnf.xml", &b)
		return err == nil && strings.Contains(b.String(), "<displayName>Back Again</displayName>")
	})
}
