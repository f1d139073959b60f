package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/device"
	"cmtftp/internal/tftp"
	"cmtftp/internal/tftpclient"
	"cmtftp/internal/tftpd"
)

// ownPostgres is a throwaway PostgreSQL of the test's own, which it may
// stop and start: initdb and pg_ctl from CMTFTP_TEST_PGBIN, run as the
// postgres user when the test runs as root (as scripts/lib/postgres.sh).
type ownPostgres struct {
	t    *testing.T
	bin  string
	dir  string
	port int
	asPG []string
	dsn  string
}

// startOwnPostgres initialises and starts a PostgreSQL on a free loopback
// port; it is stopped and removed when the test ends.
func startOwnPostgres(t *testing.T) *ownPostgres {
	t.Helper()
	p := &ownPostgres{t: t, bin: os.Getenv("CMTFTP_TEST_PGBIN")}
	if p.bin == "" {
		t.Fatal("CMTFTP_TEST_PGBIN is not set: run ./scripts/test, whose PostgreSQL set-up exports it")
	}
	dir, err := os.MkdirTemp("", "cmtftp-pg-")
	if err != nil {
		t.Fatal(err)
	}
	p.dir = dir
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Getuid() == 0 {
		p.asPG = []string{"runuser", "-u", "postgres", "--"}
		p.run("chown", "postgres:", dir)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	p.pg("initdb", "-D", filepath.Join(dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
	t.Cleanup(func() { p.command("pg_ctl", "-D", filepath.Join(dir, "data"), "-m", "immediate", "stop").Run() })
	p.start()
	p.dsn = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.port)
	return p
}

// command is one of PostgreSQL's programs, run as its user.
func (p *ownPostgres) command(prog string, args ...string) *exec.Cmd {
	argv := append(append(append([]string{}, p.asPG...), filepath.Join(p.bin, prog)), args...)
	return exec.Command(argv[0], argv[1:]...)
}

// pg runs one of PostgreSQL's programs as its user, failing the test if
// it fails.
func (p *ownPostgres) pg(prog string, args ...string) {
	p.t.Helper()
	p.check(p.command(prog, args...))
}

func (p *ownPostgres) run(name string, args ...string) {
	p.t.Helper()
	p.check(exec.Command(name, args...))
}

func (p *ownPostgres) check(cmd *exec.Cmd) {
	p.t.Helper()
	if out, err := cmd.CombinedOutput(); err != nil {
		p.t.Fatalf("%q: %v\n%s", cmd.Args, err, out)
	}
}

// start starts the server and waits until it accepts connections.
func (p *ownPostgres) start() {
	p.t.Helper()
	p.pg("pg_ctl", "-D", filepath.Join(p.dir, "data"), "-l", filepath.Join(p.dir, "server.log"), "-w", "-t", "60",
		"-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", p.port, p.dir),
		"start")
}

// stop stops the server as an admin would for maintenance: -m fast, every
// session terminated.
func (p *ownPostgres) stop() {
	p.t.Helper()
	p.pg("pg_ctl", "-D", filepath.Join(p.dir, "data"), "-m", "fast", "-w", "stop")
}

// fetchTally counts the outcomes of the fetches of a storm.
type fetchTally struct {
	mu                                   sync.Mutex
	good, busy, timeouts, corrupt, wrong int
	examples                             []string
}

func (f *fetchTally) add(name string, err error, got, want []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var re *tftpclient.RemoteError
	switch {
	case err == nil && bytes.Equal(got, want):
		f.good++
		return
	case err == nil:
		f.corrupt++
	case errors.As(err, &re) && re.Code == tftp.ErrUndefined && re.Message == tftpd.BusyMessage:
		f.busy++
		return
	case errors.Is(err, tftpclient.ErrTimeout):
		f.timeouts++
		return
	default:
		f.wrong++
	}
	if len(f.examples) < 5 {
		f.examples = append(f.examples, fmt.Sprintf("%s: %v (%d bytes, want %d)", name, err, len(got), len(want)))
	}
}

// fetchStorm fetches names from the servers over TFTP, round and round,
// until stop is called, comparing every file received with want; stop
// returns when the fetches have ended.
func fetchStorm(servers []*pairServer, names []string, want map[string][]byte) (tally *fetchTally, stop func()) {
	tally = &fetchTally{}
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &tftpclient.Client{BlockSize: 1428, Timeout: 300 * time.Millisecond, Retries: 3}
			for i := w; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				s, name := servers[i%len(servers)], names[i/len(servers)%len(names)]
				var buf bytes.Buffer
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				_, err := c.Get(ctx, s.tftp, name, &buf)
				cancel()
				tally.add(name, err, buf.Bytes(), want[name])
			}
		}()
	}
	return tally, func() { close(done); wg.Wait() }
}

// TestPairPostgresRestart: PostgreSQL stopped (pg_ctl stop -m fast) and
// started again while phones boot and files are fetched from both servers
// of a pair. Every file a fetch received is byte for byte the one "cmtftp
// build" writes from the database — none corrupted, none "not found";
// what the servers could not build was busy — every phone ends configured,
// and afterwards both servers serve a new change again, each having
// logged the outage once.
func TestPairPostgresRestart(t *testing.T) {
	const phones = 24
	pg := startOwnPostgres(t)
	db, servers := startPair(t, pg.dsn, 2)
	a, b := servers[0], servers[1]
	pairSite(t, a, phones)
	ref := filepath.Join(t.TempDir(), "built")
	if out, err := exec.Command(binary, "build", "--quiet", "--db", db.dsn, "--out", ref).CombinedOutput(); err != nil {
		t.Fatalf("cmtftp build: %v\n%s", err, out)
	}
	want := map[string][]byte{}
	var names []string
	for i := range phones {
		name := pairConfig(i)
		b, err := os.ReadFile(filepath.Join(ref, name))
		if err != nil {
			t.Fatal(err)
		}
		want[name], names = b, append(names, name)
		if i < phones/2 { // built and kept by both before the outage; the rest not
			sameFrom(t, name, b, a, servers[1])
		}
	}

	// The storm: fetches of the files both have built and boots of half
	// the phones (A first), then PostgreSQL stops; during the outage,
	// fetches of the files neither has built and boots of the other half
	// (B first) join in; then PostgreSQL starts again.
	ab := []netip.AddrPort{netip.MustParseAddrPort(a.tftp), netip.MustParseAddrPort(b.tftp)}
	ba := []netip.AddrPort{ab[1], ab[0]}
	boots := make(chan []*device.Report, 2)
	kept, stopKept := fetchStorm(servers, names[:phones/2], want)
	go func() { boots <- bootPhones(t, 0, phones/2, ab, nil) }()
	time.Sleep(300 * time.Millisecond)
	pg.stop()
	down := time.Now()
	unbuilt, stopUnbuilt := fetchStorm(servers, names[phones/2:], want)
	go func() { boots <- bootPhones(t, phones/2, phones/2, ba, nil) }()
	time.Sleep(1500 * time.Millisecond)
	pg.start()
	t.Logf("PostgreSQL down for %v", time.Since(down).Round(time.Millisecond))
	var reports []*device.Report
	for range 2 {
		select {
		case r := <-boots:
			reports = append(reports, r...)
		case <-time.After(90 * time.Second):
			t.Fatal("the phones' boots did not end within 90 s")
		}
	}
	time.Sleep(300 * time.Millisecond)
	stopKept()
	stopUnbuilt()
	for _, f := range []struct {
		what  string
		tally *fetchTally
	}{{"kept files", kept}, {"files not built before the outage", unbuilt}} {
		x := f.tally
		t.Logf("fetches of %s: %d good, %d busy, %d timed out, %d corrupt, %d other", f.what, x.good, x.busy, x.timeouts, x.corrupt, x.wrong)
		if x.corrupt+x.wrong > 0 || x.good == 0 {
			t.Errorf("fetches of %s across the restart: %d corrupt, %d neither the file nor busy, %d good: %q", f.what, x.corrupt, x.wrong, x.good, x.examples)
		}
	}
	if unbuilt.busy == 0 {
		t.Error("no fetch of a file not built was answered busy while PostgreSQL was down")
	}
	for _, r := range reports {
		if r != nil && !r.OK() {
			t.Errorf("%s across the restart: %s %s", r.Device, r.Cause, r.Detail)
		}
	}

	// Both recover: a change through A is served new by both.
	mustCLI(t, a.admin, "line", "set", strconv.Itoa(300000+phones-1), "--display-name", "After The Restart")
	for _, s := range servers {
		s.waitFile(t, pairConfig(phones-1), 15*time.Second, has("<displayName>After The Restart</displayName>"))
		if n := s.log.Count("change feed lost"); n != 1 {
			t.Errorf("%s logged the lost feed %d times, want once:\n%s", s.name, n, s.log)
		}
		if n := s.log.Count("change feed back"); n != 1 {
			t.Errorf("%s logged the feed back %d times, want once:\n%s", s.name, n, s.log)
		}
	}
}
