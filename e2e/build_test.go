package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/tftp"
	"cmtftp/internal/tftpclient"
)

// TestBuildAndShow: on the demo site, "cmtftp build" from the database and
// "cmtftp show" through the admin API both give exactly the golden files
// the builders' unit tests render from the same records in memory.
func TestBuildAndShow(t *testing.T) {
	dir := t.TempDir()
	admin := freeTCP(t)
	startServeIn(t, dir, nil, 1, "--demo", "--db", "sqlite:cmtftp-demo/cmtftp.db", "--tftp-addr", "127.0.0.1:"+strconv.Itoa(freePort(t)), "--admin-addr", admin)
	out := filepath.Join(dir, "built")
	if _, errs, err := cli(t, admin, nil, "build", "--db", "sqlite:"+filepath.Join(dir, "cmtftp-demo", "cmtftp.db"), "--out", out, "-q"); err != nil {
		t.Fatalf("build: %v %s", err, errs)
	}
	golden, err := os.ReadDir("../internal/render/testdata/golden")
	if err != nil {
		t.Fatal(err)
	}
	built, _ := os.ReadDir(out)
	if len(built) != len(golden) {
		t.Errorf("built %d files, the golden set has %d", len(built), len(golden))
	}
	for _, g := range golden {
		want, _ := os.ReadFile(filepath.Join("../internal/render/testdata/golden", g.Name()))
		got, err := os.ReadFile(filepath.Join(out, g.Name()))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("build: %s differs from the golden file (%v)", g.Name(), err)
		}
		shown, errs, err := cli(t, admin, nil, "show", g.Name())
		if err != nil || shown != string(want) {
			t.Errorf("show %s: differs from the golden file (%v %s)", g.Name(), err, errs)
		}
	}
	_, errs, _ := cli(t, admin, nil, "show", "-v", "SEP0000DE000002.cnf.xml")
	for _, want := range []string{"device SEP0000DE000002", "line 4002 (button 1)", "dial plan demo-79x1", "softkey template Standard-User"} {
		if !strings.Contains(errs, want) {
			t.Errorf("show -v lacks %q:\n%s", want, errs)
		}
	}
	failCLI(t, admin, "does not get SEP0000DE000001.cnf under Build Selective", "show", "SEP0000DE000001.cnf")

	// Build All: every device gets a .cnf; the swap replaces the directory whole.
	mustCLI(t, admin, "param", "set", "BuildCNFFiles", "Build All")
	mustCLI(t, admin, "show", "SEP0000DE000001.cnf")
	if _, errs, err := cli(t, admin, nil, "build", "--db", "sqlite:"+filepath.Join(dir, "cmtftp-demo", "cmtftp.db"), "--out", out, "-q"); err != nil {
		t.Fatalf("build: %v %s", err, errs)
	}
	cnf, _ := filepath.Glob(filepath.Join(out, "SEP0000DE*.cnf"))
	if len(cnf) != 7 {
		t.Errorf("Build All: %d .cnf files, want 7", len(cnf))
	}
	// Extension mobility: the login shows in the next show.
	mustCLI(t, admin, "em", "login", "SEP0000DE000006", "grace-em")
	if s := mustCLI(t, admin, "show", "SEP0000DE000006.cnf.xml"); !strings.Contains(s, "<name>4007</name>") || strings.Contains(s, "<name>4006</name>") {
		t.Errorf("EM login not in the device file")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".built.new-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary directories left behind: %v", leftovers)
	}
}

// BenchmarkBuild100k runs "cmtftp build" on a SQLite database of 100,000
// phones (7961 SCCP, two lines each), writing to the disk of the test's
// temporary directory and to tmpfs (/dev/shm), and reports seconds per
// build and the command's peak RSS.
func BenchmarkBuild100k(b *testing.B) {
	const n = 100000
	dir := b.TempDir()
	db := filepath.Join(dir, "build.db")
	writeDeviceDB(b, db, n, "7961", domain.ProtocolSCCP, 1)
	for _, target := range []struct{ name, dir string }{{"disk", dir}, {"tmpfs", "/dev/shm"}} {
		b.Run(target.name, func(b *testing.B) {
			out, err := os.MkdirTemp(target.dir, "cmtftp-build-bench-")
			if err != nil {
				b.Fatal(err)
			}
			defer os.RemoveAll(out)
			var total time.Duration
			var rss string
			b.StopTimer()
			for i := 0; i < b.N; i++ {
				os.RemoveAll(filepath.Join(out, "files"))
				cmd := exec.Command(binary, "build", "-q", "--db", "sqlite:"+db, "--out", filepath.Join(out, "files"))
				start := time.Now()
				b.StartTimer()
				res, err := cmd.CombinedOutput()
				b.StopTimer()
				total += time.Since(start)
				if err != nil || !strings.Contains(string(res), fmt.Sprintf("files for %d devices", n)) {
					b.Fatalf("build: %v\n%s", err, res)
				}
				if _, after, ok := strings.Cut(string(res), "max RSS "); ok {
					rss = strings.Fields(after)[0]
				}
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s/build")
			if mib, err := strconv.ParseFloat(rss, 64); err == nil {
				b.ReportMetric(mib, "MiB-RSS")
			}
		})
	}
}

// TestServeBuiltFiles fetches the demo devices' files over TFTP from
// "serve --demo": they are the files "show" prints, and a line renamed
// with the CLI is in the next fetch.
func TestServeBuiltFiles(t *testing.T) {
	dir := t.TempDir()
	admin := freeTCP(t)
	port := strconv.Itoa(freePort(t))
	httpAddr := freeTCP(t)
	startServeIn(t, dir, nil, 1, "--demo", "--db", "sqlite:cmtftp-demo/cmtftp.db", "--tftp-addr", "127.0.0.1:"+port, "--admin-addr", admin,
		"--http-addr", httpAddr)
	httpGet := func(name string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + httpAddr + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	fetch := func(name string) string {
		t.Helper()
		out := filepath.Join(t.TempDir(), "f")
		if b, err := exec.Command(binary, "get", "127.0.0.1:"+port, name, "-o", out).CombinedOutput(); err != nil {
			t.Fatalf("get %s: %v %s", name, err, b)
		}
		b, _ := os.ReadFile(out)
		return string(b)
	}
	// Every file of every demo device (the golden set), and one from disk.
	golden, _ := os.ReadDir("../internal/render/testdata/golden")
	names := []string{"RingList.xml"}
	for _, g := range golden {
		names = append(names, g.Name())
	}
	if len(names) < 14 {
		t.Fatalf("golden set: %v", names)
	}
	for _, name := range names {
		got := fetch(name)
		if code, overHTTP := httpGet(name); code != 200 || overHTTP != got {
			t.Errorf("%s: HTTP %d, and its bytes differ from TFTP's", name, code)
		}
		if name == "RingList.xml" { // not built: from the TFTP root, after the built source said "not mine"
			if !strings.Contains(got, "CiscoIPPhoneRingList") {
				t.Errorf("RingList.xml from disk: %q", got)
			}
			continue
		}
		if want := mustCLI(t, admin, "show", name); got != want {
			t.Errorf("%s over TFTP differs from show", name)
		}
	}
	if b, err := exec.Command(binary, "get", "127.0.0.1:"+port, "SEP0000DE000001.cnf", "-o", filepath.Join(t.TempDir(), "x")).CombinedOutput(); err == nil {
		t.Errorf("a 7961 got a .cnf under Build Selective: %s", b)
	}
	if code, _ := httpGet("SEP0000DE000001.cnf"); code != 404 {
		t.Errorf("HTTP for a name the device does not get: %d, want 404", code)
	}
	// A custom file comes before the disk: uploading RingList.xml hides the
	// root's copy on both protocols; removing it brings the disk's back.
	ring := filepath.Join(t.TempDir(), "ring.xml")
	os.WriteFile(ring, []byte("<CiscoIPPhoneRingList><!-- custom --></CiscoIPPhoneRingList>"), 0o644)
	mustCLI(t, admin, "file", "put", "RingList.xml", ring)
	waitUntil(t, func() bool { return strings.Contains(fetch("RingList.xml"), "custom") })
	if _, body := httpGet("RingList.xml"); !strings.Contains(body, "custom") {
		t.Errorf("custom RingList.xml not served over HTTP")
	}
	mustCLI(t, admin, "file", "rm", "RingList.xml")
	waitUntil(t, func() bool { return !strings.Contains(fetch("RingList.xml"), "custom") })

	// A RingList.xml replaced on disk is served new, without a restart.
	tmp := filepath.Join(dir, "cmtftp-demo", "tftp", ".RingList.new")
	os.WriteFile(tmp, []byte("<CiscoIPPhoneRingList><!-- replaced on disk --></CiscoIPPhoneRingList>"), 0o644)
	os.Rename(tmp, filepath.Join(dir, "cmtftp-demo", "tftp", "RingList.xml"))
	waitUntil(t, func() bool { return strings.Contains(fetch("RingList.xml"), "replaced on disk") })
	if _, body := httpGet("RingList.xml"); !strings.Contains(body, "replaced on disk") {
		t.Errorf("replaced RingList.xml not served over HTTP")
	}

	// Names a non-secure cluster does not have: "not found", counted.
	notFound := metricValue(t, admin, "RequestsNotFound")
	for _, n := range []string{"CTLFile.tlv", "ITLFile.tlv", "CTLSEP0000DE000002.tlv", "ITLSEP0000DE000002.tlv"} {
		_, err := (&tftpclient.Client{}).Get(context.Background(), "127.0.0.1:"+port, n, io.Discard)
		var re *tftpclient.RemoteError
		if !errors.As(err, &re) || re.Code != tftp.ErrFileNotFound {
			t.Errorf("%s: %v, want file not found", n, err)
		}
	}
	if got := metricValue(t, admin, "RequestsNotFound"); got != notFound+4 {
		t.Errorf("RequestsNotFound went from %v to %v, want +4", notFound, got)
	}
	// The boot timeline of the 7970 shows what it asked for, both ways.
	tl := mustCLI(t, admin, "device", "timeline", "SEP0000DE000002")
	for _, want := range [][]string{{"tftp", "SEP0000DE000002.cnf.xml", "completed"}, {"http", "SEP0000DE000002.cnf.xml", "completed"},
		{"tftp", "CTLSEP0000DE000002.tlv", "not_found"}} {
		found := false
		for _, line := range strings.Split(tl, "\n") {
			f := strings.Fields(line)
			found = found || len(f) > 3 && f[1] == want[0] && f[2] == want[1] && f[3] == want[2]
		}
		if !found {
			t.Errorf("timeline lacks %v:\n%s", want, tl)
		}
	}

	before := fetch("SEP0000DE000002.cnf.xml")
	mustCLI(t, admin, "line", "set", "4002", "--display-name", "Blaise P. Renamed")
	deadline := time.Now().Add(5 * time.Second)
	for {
		s := fetch("SEP0000DE000002.cnf.xml")
		if strings.Contains(s, "<displayName>Blaise P. Renamed</displayName>") {
			if stampOf(s) == stampOf(before) {
				t.Errorf("version stamp unchanged after a change")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the renamed line never reached the device file")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func stampOf(s string) string {
	_, after, _ := strings.Cut(s, "<versionStamp>")
	v, _, _ := strings.Cut(after, "</versionStamp>")
	return v
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// writeDeviceDB fills a new SQLite database with n phones of one model and
// protocol, each with its own line and the shared line 9000, in a pool
// whose group lists servers call-control servers (and a SIP profile for
// SIP phones): the database the 100,000-device benchmarks start from.
func writeDeviceDB(b *testing.B, db string, n int, model, protocol string, servers int) {
	b.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	site := &domain.Site{Groups: []*domain.Group{{Name: "G1"}}, Pools: []*domain.Pool{{Name: "HQ", Group: "G1"}},
		Lines: []*domain.Line{{Number: "9000", DisplayName: "Shared"}}}
	for i := 1; i <= servers; i++ {
		name := fmt.Sprintf("cm%d", i)
		site.Servers = append(site.Servers, &domain.Server{Name: name, Host: fmt.Sprintf("192.0.2.%d", 20+i)})
		site.Groups[0].Servers = append(site.Groups[0].Servers, name)
	}
	sipProfile := ""
	if protocol == domain.ProtocolSIP {
		sipProfile = "SIP"
		site.SIPProfiles = []*domain.SIPProfile{{Name: sipProfile}}
	}
	if _, err := st.Apply(ctx, site); err != nil {
		b.Fatal(err)
	}
	for start := 0; start < n; start += 10000 {
		chunk := &domain.Site{}
		for i := start; i < min(start+10000, n); i++ {
			num := strconv.Itoa(100000 + i)
			chunk.Lines = append(chunk.Lines, &domain.Line{Number: num, DisplayName: "User " + num})
			chunk.Devices = append(chunk.Devices, &domain.Device{MAC: fmt.Sprintf("%012X", 0xA00000000000+i), Model: model, Protocol: protocol,
				Pool: "HQ", SIPProfile: sipProfile, Lines: []domain.Appearance{{Button: 1, Line: num}, {Button: 2, Line: "9000"}}})
		}
		if _, err := st.Apply(ctx, chunk); err != nil {
			b.Fatal(err)
		}
	}
}
