package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"

	"cmtftp/internal/store/storetest"
	"cmtftp/internal/tftp"
	"cmtftp/internal/tftpclient"
)

// largeFile is the size of the load the custom-file tests upload.
const largeFile = 40 << 20

// served is one running "cmtftp serve" of a custom-file test.
type served struct {
	name        string
	cmd         *exec.Cmd
	tftp        string // host:port
	http, admin string
}

// startFileServer runs "cmtftp serve" on database db with TFTP, HTTP
// and the admin API on loopback.
func startFileServer(t *testing.T, name, db string) *served {
	t.Helper()
	s := &served{name: name, tftp: "127.0.0.1:" + strconv.Itoa(freePort(t)), http: freeTCP(t), admin: freeTCP(t)}
	s.cmd = startServe(t, nil, 1, "--root", t.TempDir(), "--db", db, "--tftp-addr", s.tftp, "--http-addr", s.http, "--admin-addr", s.admin)
	return s
}

// rss returns the resident set of process pid in bytes.
func rss(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatalf("no VmRSS for %d", pid)
	return 0
}

// peakRSS samples pid's resident set until stop is closed and returns the
// highest seen.
func peakRSS(t *testing.T, pid int, stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		peak := int64(0)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
				if i := bytes.Index(b, []byte("VmRSS:")); i >= 0 {
					f := strings.Fields(string(b[i : i+40]))
					kb, _ := strconv.ParseInt(f[1], 10, 64)
					peak = max(peak, kb<<10)
				}
			}
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// fetchAll gets name from s with tftp-hpa and with curl over HTTP at once,
// and returns the SHA-256 of what each delivered.
func fetchAll(t *testing.T, s *served, name string) map[string]string {
	t.Helper()
	tftpBin, curl := needTool(t, "tftp"), needTool(t, "curl")
	host, port, _ := strings.Cut(s.tftp, ":")
	dir := t.TempDir()
	runs := map[string][]string{
		"tftp-hpa": {tftpBin, "-m", "binary", host, port, "-c", "get", name, filepath.Join(dir, "tftp-hpa")},
		"curl":     {curl, "-sS", "--fail", "-o", filepath.Join(dir, "curl"), "http://" + s.http + "/" + name},
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	out := map[string]string{}
	for client, argv := range runs {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			res, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
			got, rerr := os.ReadFile(filepath.Join(dir, client))
			mu.Lock()
			defer mu.Unlock()
			if err != nil || rerr != nil {
				t.Errorf("%s from %s: %v %v\n%s", client, s.name, err, rerr, res)
				return
			}
			out[client] = sha(got)
		})
	}
	wg.Wait()
	return out
}

// storedSHA returns the SHA-256 the server at admin lists for name.
func storedSHA(t *testing.T, admin, name string) string {
	t.Helper()
	for line := range strings.SplitSeq(mustCLI(t, admin, "file", "list"), "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == name {
			return f[2]
		}
	}
	return ""
}

// TestLargeCustomFileSQLite: a 40 MiB load put with "cmtftp file put" is
// served whole by tftp-hpa and curl from a server on SQLite.
func TestLargeCustomFileSQLite(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cmtftp.db")
	testLargeCustomFile(t, "sqlite", "sqlite:"+db, func(t *testing.T) *sql.DB {
		d, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		return d
	}, 1)
}

// TestLargeCustomFileTwoServers: the same with two servers on one
// PostgreSQL database: the file put through A is served by both.
func TestLargeCustomFileTwoServers(t *testing.T) {
	dsn := storetest.NewPostgresDB(t)
	testLargeCustomFile(t, "pgx", dsn, func(t *testing.T) *sql.DB {
		d, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}, 2)
}

// testLargeCustomFile runs n servers on database db (opened for plain SQL
// by openSQL), puts a 40 MiB load through the first with "cmtftp file put",
// fetches it from every server with tftp-hpa and curl at once, and checks
// the SHA-256 of every copy, each server's memory, the uploads refused
// (a wrong SHA-256, a body past the limit) and a chunk corrupted in SQL.
func testLargeCustomFile(t *testing.T, driver, db string, openSQL func(*testing.T) *sql.DB, n int) {
	servers := []*served{startFileServer(t, "A", db)}
	if n > 1 {
		servers = append(servers, startFileServer(t, "B", db))
	}
	a := servers[0]
	dir := t.TempDir()
	data := randomFile(t, dir, "load.sbn", largeFile)
	want := sha(data)
	stop := make(chan struct{})
	base := make([]int64, len(servers))
	peaks := make([]<-chan int64, len(servers))
	for i, s := range servers {
		base[i] = rss(t, s.cmd.Process.Pid)
		peaks[i] = peakRSS(t, s.cmd.Process.Pid, stop)
	}
	start := time.Now()
	if out := mustCLI(t, a.admin, "file", "put", "loads/big.sbn", filepath.Join(dir, "load.sbn")); !strings.Contains(out, want[:12]) {
		t.Fatalf("file put: %s", out)
	}
	t.Logf("%s: put 40 MiB in %v", driver, time.Since(start).Round(time.Millisecond))
	// Each server learns of the new file from its change feed, a moment
	// after the commit (longer on a loaded machine): until then it is not
	// found there. Wait for that (a HEAD), then fetch everywhere at once.
	for _, s := range servers {
		waitFor(t, 20*time.Second, "loads/big.sbn on "+s.name, func() bool {
			resp, err := http.Head("http://" + s.http + "/loads/big.sbn")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		})
	}
	start = time.Now()
	var wg sync.WaitGroup
	for _, s := range servers {
		wg.Go(func() {
			for client, got := range fetchAll(t, s, "loads/big.sbn") {
				if got != want {
					t.Errorf("%s from %s: SHA-256 %s, want %s", client, s.name, got, want)
				}
			}
		})
	}
	wg.Wait()
	t.Logf("%s: fetched from %d servers with tftp-hpa and curl at once in %v", driver, n, time.Since(start).Round(time.Millisecond))
	close(stop)
	for i, s := range servers {
		growth := <-peaks[i] - base[i]
		t.Logf("%s: server %s resident set grew by %.1f MiB during the upload and the transfers", driver, s.name, float64(growth)/(1<<20))
		if limit := int64(largeFile + 32<<20); growth > limit {
			t.Errorf("server %s grew by %d MiB, more than one copy of the file and slack (%d MiB)", s.name, growth>>20, limit>>20)
		}
	}
	// cmtftp file get streams it back from the last server, checked.
	got := filepath.Join(dir, "got.sbn")
	mustCLI(t, servers[len(servers)-1].admin, "file", "get", "loads/big.sbn", got)
	if b, err := os.ReadFile(got); err != nil || sha(b) != want {
		t.Errorf("file get: %v", err)
	}
	checkRefusedUploads(t, a, dir, want)
	checkCorruptChunk(t, servers, openSQL(t))
}

// checkRefusedUploads: an upload whose bytes do not have the SHA-256 sent
// with it, and one past the server's limit, change nothing.
func checkRefusedUploads(t *testing.T, a *served, dir, want string) {
	randomFile(t, dir, "other.sbn", 1<<20)
	code, err := exec.Command(needTool(t, "curl"), "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-T", filepath.Join(dir, "other.sbn"),
		"-H", "X-Checksum-Sha256: "+want, "http://"+a.admin+"/api/v1/files/loads/big.sbn").Output()
	if err != nil || string(code) != "422" {
		t.Errorf("upload with a wrong SHA-256: %s %v, want 422", code, err)
	}
	sparse := filepath.Join(dir, "huge.sbn")
	if err := os.WriteFile(sparse, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(sparse, 512<<20+1); err != nil {
		t.Fatal(err)
	}
	failCLI(t, a.admin, "more than 536870912 bytes", "file", "put", "loads/big.sbn", sparse)
	if got := storedSHA(t, a.admin, "loads/big.sbn"); !strings.HasPrefix(want, got) || got == "" {
		t.Errorf("after refused uploads the file lists SHA-256 %q, want %s", got, want)
	}
}

// checkCorruptChunk: a chunk changed in plain SQL (no change event) is
// never served: every server answers busy over TFTP and 503 over HTTP.
func checkCorruptChunk(t *testing.T, servers []*served, db *sql.DB) {
	defer db.Close()
	dir := t.TempDir()
	randomFile(t, dir, "c.bin", 3<<20)
	mustCLI(t, servers[0].admin, "file", "put", "c.bin", filepath.Join(dir, "c.bin"))
	bad := make([]byte, 1<<20)
	if _, err := db.Exec("UPDATE custom_file_chunks SET data = $1 WHERE file = 'c.bin' AND idx = 1", bad); err != nil {
		t.Fatal(err)
	}
	for _, s := range servers {
		_, err := (&tftpclient.Client{Timeout: time.Second, Retries: 2}).Get(context.Background(), s.tftp, "c.bin", &bytes.Buffer{})
		var re *tftpclient.RemoteError
		if !errors.As(err, &re) || re.Code != tftp.ErrUndefined || !strings.Contains(re.Message, "busy") {
			t.Errorf("corrupt chunk over TFTP from %s: %v, want ERROR 0 busy", s.name, err)
		}
		resp, err := http.Get("http://" + s.http + "/c.bin")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("corrupt chunk over HTTP from %s: %d, want 503", s.name, resp.StatusCode)
		}
	}
}
