package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"cmtftp/internal/store/sqlite"
)

const importSite = `servers:
  - name: cm1
    host: 192.0.2.21
groups:
  - name: G1
    servers: [cm1]
pools:
  - name: HQ
    group: G1
`

// writeCSV writes n phones, each with its own line and the shared 9000.
func writeCSV(tb testing.TB, n int) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "devices.csv")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "MAC ADDRESS,DESCRIPTION,DEVICE TYPE,DEVICE PROTOCOL,DEVICE POOL,DIRECTORY NUMBER 1,DISPLAY 1,DIRECTORY NUMBER 2,DISPLAY 2")
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "%012X,desk %d,Cisco 7961,SCCP,HQ,%d,User %d,9000,Shared\n", 0xA00000000000+i, i, 100000+i, i)
	}
	w.Flush()
	f.Close()
	return p
}

func TestImportBadRows(t *testing.T) {
	admin := freeTCP(t)
	startServe(t, nil, 1, "--root", t.TempDir(), "--tftp-addr", "127.0.0.1:"+strconv.Itoa(freePort(t)), "--admin-addr", admin)
	site := filepath.Join(t.TempDir(), "site.yaml")
	os.WriteFile(site, []byte(importSite), 0o644)
	mustCLI(t, admin, "apply", "-f", site)
	csv := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(csv, []byte(`MAC ADDRESS,DEVICE TYPE,DEVICE POOL,DIRECTORY NUMBER 1,DISPLAY 1
00:11:22:00:00:01,7961,HQ,5001,Good
00:11:22:00:00:0Z,7961,HQ,5002,
00:11:22:00:00:03,7961,Nowhere,5003,
00:11:22:00:00:04,8841,HQ,5004,"unterminated
`), 0o644)
	_, errs, err := cli(t, admin, nil, "import", csv)
	if err == nil {
		t.Fatal("import of a file with bad rows succeeded")
	}
	for _, want := range []string{
		"bad.csv:3: MAC ADDRESS: \"00:11:22:00:00:0Z\": 'Z' is not a hex digit",
		"bad.csv:4: DEVICE POOL: no device pool \"Nowhere\"",
		"bad.csv:5: unreadable row",
		"3 bad rows; nothing was written",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("report lacks %q:\n%s", want, errs)
		}
	}
	if out := mustCLI(t, admin, "device", "list", "-o", "json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("devices written by a refused import: %s", out)
	}
	failCLI(t, admin, "unknown column", "import", writeFile(t, "MAC ADDRESS,DEVICE TYPE,DEVICE POOL,COLOUR\n"))
}

func writeFile(t *testing.T, s string) string {
	p := filepath.Join(t.TempDir(), "f.csv")
	os.WriteFile(p, []byte(s), 0o644)
	return p
}

// TestImportKilled kills the server in the middle of an import: what was
// committed stays, no device is left half-written, and running the import
// again finishes the job.
func TestImportKilled(t *testing.T) {
	const n, batch = 20000, 500
	db := filepath.Join(t.TempDir(), "cmtftp.db")
	admin := freeTCP(t)
	tftpPort := strconv.Itoa(freePort(t))
	args := []string{"--root", t.TempDir(), "--tftp-addr", "127.0.0.1:" + tftpPort, "--admin-addr", admin, "--db", "sqlite:" + db}
	srv := startServe(t, nil, 1, args...)
	site := filepath.Join(t.TempDir(), "site.yaml")
	os.WriteFile(site, []byte(importSite), 0o644)
	mustCLI(t, admin, "apply", "-f", site)
	csv := writeCSV(t, n)

	imp := exec.Command(binary, "import", "--batch", strconv.Itoa(batch), csv)
	imp.Env = append(os.Environ(), "CMTFTP_SERVER=http://"+admin, "CMTFTP_ADMIN_TOKEN=")
	stderr, _ := imp.StderrPipe()
	if err := imp.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill the server once the import has passed 20%.
	sc := bufio.NewScanner(stderr)
	killed := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "(20%)") || strings.Contains(sc.Text(), "(30%)") {
			srv.Process.Signal(syscall.SIGKILL)
			killed = true
			break
		}
	}
	if !killed {
		t.Fatal("import finished before it could be interrupted")
	}
	for sc.Scan() {
	}
	if err := imp.Wait(); err == nil {
		t.Fatal("import succeeded although the server was killed")
	}
	srv.Wait()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var devices, partial, lines int
	q := st.SQL().QueryRowContext
	q(ctx, "SELECT COUNT(*) FROM devices").Scan(&devices)
	q(ctx, "SELECT COUNT(*) FROM devices d WHERE (SELECT COUNT(*) FROM device_lines l WHERE l.device = d.name) <> 2").Scan(&partial)
	q(ctx, "SELECT COUNT(*) FROM lines").Scan(&lines)
	st.Close()
	t.Logf("after the kill: %d devices, %d lines", devices, lines)
	if devices == 0 || devices == n || devices%batch != 0 {
		t.Errorf("%d devices committed: want whole batches of %d, more than none and fewer than %d", devices, batch, n)
	}
	if partial != 0 {
		t.Errorf("%d devices without both of their lines", partial)
	}
	if lines != devices+1 {
		t.Errorf("%d lines for %d devices, want one each plus the shared one", lines, devices)
	}

	startServe(t, nil, 1, args...)
	out := mustCLI(t, admin, "import", "--batch", "5000", csv)
	if !strings.Contains(out, fmt.Sprintf("imported %s: %d devices", csv, n)) || !strings.Contains(out, fmt.Sprintf("created %d,", 2*(n-devices))) {
		t.Errorf("second import: %s", out)
	}
	if got := strings.Count(mustCLI(t, admin, "device", "list"), "SEPA000"); got != n {
		t.Errorf("%d devices after the second import, want %d", got, n)
	}
}

// BenchmarkImport100k imports a generated 100,000-device CSV (two lines
// each) into a fresh SQLite database through the running server, as an
// admin would with "cmtftp import". One import per iteration.
func BenchmarkImport100k(b *testing.B) {
	const n = 100000
	dir := b.TempDir()
	csv := writeCSV(b, n)
	site := filepath.Join(dir, "site.yaml")
	os.WriteFile(site, []byte(importSite), 0o644)
	var total time.Duration
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		admin := fmt.Sprintf("127.0.0.1:%d", 20000+os.Getpid()%20000+i)
		db := filepath.Join(dir, fmt.Sprintf("bench%d.db", i))
		srv := exec.Command(binary, "serve", "--root", b.TempDir(), "--tftp-addr", "127.0.0.1:0", "--admin-addr", admin, "--db", "sqlite:"+db)
		if err := srv.Start(); err != nil {
			b.Fatal(err)
		}
		env := append(os.Environ(), "CMTFTP_SERVER=http://"+admin, "CMTFTP_ADMIN_TOKEN=")
		var applyErr error
		for try := 0; try < 100; try++ {
			c := exec.Command(binary, "apply", "-f", site)
			c.Env = env
			if applyErr = c.Run(); applyErr == nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if applyErr != nil {
			srv.Process.Kill()
			b.Fatal(applyErr)
		}
		imp := exec.Command(binary, "import", csv)
		imp.Env = env
		b.StartTimer()
		start := time.Now()
		out, err := imp.CombinedOutput()
		total += time.Since(start)
		b.StopTimer()
		srv.Process.Signal(os.Interrupt)
		srv.Wait()
		if err != nil || !strings.Contains(string(out), fmt.Sprintf("%d devices", n)) {
			b.Fatalf("import: %v\n%s", err, out)
		}
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/import")
	b.ReportMetric(float64(n)*float64(b.N)/total.Seconds(), "devices/s")
}
