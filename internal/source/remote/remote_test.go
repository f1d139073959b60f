package remote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
)

// fakeServer is another cluster's HTTP file service: files by name, or a
// fixed status for every request; it records what it was asked.
type fakeServer struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	files  map[string]string
	status int // when set, every request gets it
	asked  []*http.Request
	n      atomic.Int64
}

func newFake(t *testing.T, files map[string]string) *fakeServer {
	f := &fakeServer{t: t, files: files}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	f.n.Add(1)
	f.mu.Lock()
	f.asked = append(f.asked, r)
	status, body, ok := f.status, "", false
	if status == 0 {
		body, ok = f.files[strings.TrimPrefix(r.URL.Path, "/")]
	}
	f.mu.Unlock()
	switch {
	case status != 0:
		w.WriteHeader(status)
	case !ok:
		http.NotFound(w, r)
	default:
		sum := sha256.Sum256([]byte(body))
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
		http.ServeContent(w, r, "", time.Unix(1700000000, 0), strings.NewReader(body))
	}
}

func (f *fakeServer) set(name, body string) {
	f.mu.Lock()
	f.files[name] = body
	f.mu.Unlock()
}

func (f *fakeServer) setStatus(s int) {
	f.mu.Lock()
	f.status = s
	f.mu.Unlock()
}

func (f *fakeServer) last() *http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.asked) == 0 {
		f.t.Fatal("server was not asked")
	}
	return f.asked[len(f.asked)-1]
}

// addr is the server's "host:port" as a remote cluster record names it.
func (f *fakeServer) addr() string { return strings.TrimPrefix(f.srv.URL, "http://") }

// clustersOf builds a Clusters over records, with short times.
func clustersOf(t *testing.T, cfg Config, recs ...*domain.RemoteCluster) *Clusters {
	t.Helper()
	cfg.ID = "master"
	cfg.Timeout = cmpOr(cfg.Timeout, 300*time.Millisecond)
	cfg.Load = func(context.Context) ([]*domain.RemoteCluster, error) { return recs, nil }
	c := New(cfg)
	if err := c.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c
}

func cmpOr(a, b time.Duration) time.Duration {
	if a != 0 {
		return a
	}
	return b
}

func rc(name string, prio int, servers ...string) *domain.RemoteCluster {
	return &domain.RemoteCluster{Name: name, Priority: prio, Servers: servers}
}

var phone = netip.MustParseAddrPort("192.0.2.10:5000")

func request(name string, via ...string) *source.Request {
	r, err := source.NewRequest(name, source.TFTP, phone, netip.Addr{})
	if err != nil {
		panic(err)
	}
	r.Via = via
	return r
}

// read opens name through s and returns its content and origin.
func read(t *testing.T, s source.Source, req *source.Request) (string, string, error) {
	t.Helper()
	f, err := s.Open(context.Background(), req)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.NewSectionReader(f, 0, f.Size()))
	if err != nil {
		t.Fatal(err)
	}
	return string(b), source.OriginOf(f), nil
}

// TestOrderAndAnswers: clusters are asked by priority, servers in order;
// 404 moves on, a hit is served with its cluster named, 503 from anyone
// with no hit makes the device busy, and nobody having it is not found.
func TestOrderAndAnswers(t *testing.T) {
	b1 := newFake(t, map[string]string{})
	b2 := newFake(t, map[string]string{"a.xml": "from b2"})
	cc := newFake(t, map[string]string{"a.xml": "from c", "c.xml": "only c"})
	busy := newFake(t, nil)
	busy.setStatus(http.StatusServiceUnavailable)
	for _, tc := range []struct {
		name     string
		clusters []*domain.RemoteCluster
		file     string
		want     string
		origin   string
		err      error
	}{
		{"second server of the first cluster", []*domain.RemoteCluster{rc("C", 2, cc.addr()), rc("B", 1, b1.addr(), b2.addr())}, "a.xml", "from b2", "B", nil},
		{"next cluster", []*domain.RemoteCluster{rc("B", 1, b1.addr(), b2.addr()), rc("C", 2, cc.addr())}, "c.xml", "only c", "C", nil},
		{"ties go by name", []*domain.RemoteCluster{rc("Z", 0, b2.addr()), rc("A", 0, cc.addr())}, "a.xml", "from c", "A", nil},
		{"busy, then found", []*domain.RemoteCluster{rc("B", 1, busy.addr()), rc("C", 2, cc.addr())}, "c.xml", "only c", "C", nil},
		{"busy and nobody has it", []*domain.RemoteCluster{rc("B", 1, busy.addr()), rc("C", 2, cc.addr())}, "x.xml", "", "", source.ErrBusy},
		{"nobody has it", []*domain.RemoteCluster{rc("B", 1, b1.addr()), rc("C", 2, cc.addr())}, "x.xml", "", "", source.ErrNotFound},
		{"disabled cluster not asked", []*domain.RemoteCluster{{Name: "C", Servers: []string{cc.addr()}, Disabled: true}}, "c.xml", "", "", source.ErrNotFound},
		{"none configured", nil, "c.xml", "", "", source.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := clustersOf(t, Config{}, tc.clusters...)
			got, origin, err := read(t, c, request(tc.file))
			if !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if got != tc.want || origin != tc.origin {
				t.Fatalf("got %q from %q, want %q from %q", got, origin, tc.want, tc.origin)
			}
		})
	}
}

// TestViaHeader: a device's request goes out naming this server; a
// request proxied from another master is answered from the local chain
// only: never passed on, and counted.
func TestViaHeader(t *testing.T) {
	b := newFake(t, map[string]string{"a.xml": "x", "b.xml": "y"})
	c := clustersOf(t, Config{}, rc("B", 1, b.addr()))
	read(t, c, request("a.xml"))
	if got := b.last().Header.Get(source.ViaHeader); got != "master" {
		t.Fatalf("via %q, want master", got)
	}
	if _, _, err := read(t, c, request("b.xml", "top", "mid")); !errors.Is(err, source.ErrNotFound) {
		t.Fatalf("a proxied request: %v, want not found", err)
	}
	if n := b.n.Load(); n != 1 || c.forwardRefused.Load() != 1 {
		t.Fatalf("remote asked %d times, %d refused; want 1, 1", n, c.forwardRefused.Load())
	}
	if _, _, err := read(t, c.Affinity(), request("RingList.xml", "top")); !errors.Is(err, source.ErrNotFound) {
		t.Fatalf("affinity for a proxied request: %v", err)
	}
}

// TestLoopAnswerMovesOn: a 508 from a server is a refused loop: counted,
// and the next server is asked.
func TestLoopAnswerMovesOn(t *testing.T) {
	loop := newFake(t, nil)
	loop.setStatus(http.StatusLoopDetected)
	b := newFake(t, map[string]string{"a.xml": "x"})
	c := clustersOf(t, Config{}, rc("B", 1, loop.addr(), b.addr()))
	if got, _, err := read(t, c, request("a.xml")); err != nil || got != "x" {
		t.Fatalf("%q, %v", got, err)
	}
	st := c.Status()[0].Servers[0]
	if st.Errors != 1 || !st.Up || !strings.Contains(st.LastError, "loop") {
		t.Fatalf("loop server status %+v", st)
	}
}

// TestMissRememberedAndShared: a storm of requests for one name asks each
// remote once — concurrent ones share the fetch, later ones the
// remembered miss (or the kept file).
func TestMissRememberedAndShared(t *testing.T) {
	b := newFake(t, map[string]string{"RingList.xml": "rings"})
	c := clustersOf(t, Config{NegativeTTL: time.Minute, Keep: time.Minute}, rc("B", 1, b.addr()))
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, _, err := read(t, c, request("missing.xml")); !errors.Is(err, source.ErrNotFound) {
				t.Errorf("missing: %v", err)
			}
			if got, _, err := read(t, c, request("RingList.xml")); err != nil || got != "rings" {
				t.Errorf("RingList.xml: %q, %v", got, err)
			}
		})
	}
	wg.Wait()
	if n := b.n.Load(); n != 2 {
		t.Fatalf("remote asked %d times for 100 requests of 2 names, want 2", n)
	}
}

// TestKeptThenRevalidated: a hit is served as it is for Keep, then
// revalidated with its ETag: unchanged (304) it is renewed, changed the
// new content is served — never the old one past Keep.
func TestKeptThenRevalidated(t *testing.T) {
	b := newFake(t, map[string]string{"a.xml": "v1"})
	c := clustersOf(t, Config{Keep: 100 * time.Millisecond}, rc("B", 1, b.addr()))
	read(t, c, request("a.xml"))
	b.set("a.xml", "v2")
	if got, _, _ := read(t, c, request("a.xml")); got != "v1" || b.n.Load() != 1 {
		t.Fatalf("within Keep: %q after %d requests", got, b.n.Load())
	}
	time.Sleep(150 * time.Millisecond)
	if got, _, _ := read(t, c, request("a.xml")); got != "v2" {
		t.Fatalf("past Keep: %q, want v2", got)
	}
	if inm := b.last().Header.Get("If-None-Match"); inm == "" {
		t.Fatal("revalidation without If-None-Match")
	}
	time.Sleep(150 * time.Millisecond)
	if got, _, _ := read(t, c, request("a.xml")); got != "v2" {
		t.Fatalf("after a 304: %q", got)
	}
	if st := c.Status()[0].Servers[0]; st.Requests != 3 || st.Hits != 3 {
		t.Fatalf("status %+v, want 3 requests: 200, 200, 304", st)
	}
}

// TestDownServerSkippedThenProbed: a server whose connections fail is
// marked down and not asked while down; the probe brings it back once it
// answers again.
func TestDownServerSkippedThenProbed(t *testing.T) {
	var dead atomic.Bool
	dead.Store(true)
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if dead.Load() {
			conn, _, _ := http.NewResponseController(w).Hijack()
			conn.Close() // the connection drops without an answer
			return
		}
		http.NotFound(w, r)
	}))
	defer flaky.Close()
	b := newFake(t, map[string]string{"a.xml": "x"})
	c := clustersOf(t, Config{DownFor: 300 * time.Millisecond}, rc("B", 1, strings.TrimPrefix(flaky.URL, "http://"), b.addr()))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.Run(ctx)
	if got, _, err := read(t, c, request("a.xml")); err != nil || got != "x" {
		t.Fatalf("%q, %v", got, err)
	}
	st := c.Status()[0].Servers[0]
	if st.Up || st.Requests != 1 || st.LastError == "" {
		t.Fatalf("failing server %+v, want down after one request", st)
	}
	read(t, c, request("b.xml"))
	if n := c.Status()[0].Servers[0].Requests; n != 1 {
		t.Fatalf("down server asked %d times, want 1", n)
	}
	time.Sleep(1500 * time.Millisecond) // probes while it still fails keep it down
	if c.Status()[0].Servers[0].Up {
		t.Fatal("a failing probe brought the server back")
	}
	dead.Store(false)
	waitFor(t, "the probe to bring the server back", func() bool { return c.Status()[0].Servers[0].Up })
	read(t, c, request("c.xml"))
	if n := c.Status()[0].Servers[0].Requests; n != 2 {
		t.Fatalf("server back up asked %d times in all, want 2", n)
	}
}

// TestHangingServer: a server that accepts and never answers costs one
// Timeout: the next server serves, and the hanging one is marked down.
func TestHangingServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	b := newFake(t, map[string]string{"a.xml": "x"})
	c := clustersOf(t, Config{Timeout: 200 * time.Millisecond}, rc("B", 1, ln.Addr().String(), b.addr()))
	start := time.Now()
	if got, _, err := read(t, c, request("a.xml")); err != nil || got != "x" {
		t.Fatalf("%q, %v", got, err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("took %v with a 200 ms timeout", took)
	}
	if st := c.Status()[0].Servers[0]; st.Up {
		t.Fatalf("hanging server still up: %+v", st)
	}
}

// TestTooLarge: a file past MaxFileSize is not fetched; the next server
// (or not found) answers.
func TestTooLarge(t *testing.T) {
	b := newFake(t, map[string]string{"big.bin": strings.Repeat("x", 2000)})
	c := clustersOf(t, Config{MaxFileSize: 1000}, rc("B", 1, b.addr()))
	if _, _, err := read(t, c, request("big.bin")); err == nil {
		t.Fatal("a file over the limit was served")
	}
	if st := c.Status()[0].Servers[0]; !st.Up || st.Errors != 1 {
		t.Fatalf("status %+v: an answer that was too large is an error, not a down server", st)
	}
}

// TestAffinity: once a device's configuration came from B, its common
// files come from B first, though another cluster comes before B; other
// devices and other files go the usual way.
func TestAffinity(t *testing.T) {
	a := newFake(t, map[string]string{"RingList.xml.sgn": "A's"})
	b := newFake(t, map[string]string{"SEP001122334455.cnf.xml": "<device/>", "RingList.xml.sgn": "B's"})
	c := clustersOf(t, Config{}, rc("A", 1, a.addr()), rc("B", 2, b.addr()))
	local := source.Func(func(_ context.Context, req *source.Request) (source.File, error) {
		if strings.HasPrefix(req.Path, "SEP") {
			return nil, source.ErrNotFound // the device is B's
		}
		return source.NewMemory([]byte("local"), time.Now()), nil
	})
	chain := source.First(c.Affinity(), local, c)
	if got, _, _ := read(t, chain, request("RingList.xml.sgn")); got != "local" {
		t.Fatalf("before the device's configuration: %q", got)
	}
	if _, origin, err := read(t, chain, request("SEP001122334455.cnf.xml")); err != nil || origin != "B" {
		t.Fatalf("configuration: origin %q, %v", origin, err)
	}
	if got, origin, _ := read(t, chain, request("RingList.xml.sgn")); got != "B's" || origin != "B" {
		t.Fatalf("after it: %q from %q, want B's", got, origin)
	}
	other, _ := source.NewRequest("RingList.xml.sgn", source.TFTP, netip.MustParseAddrPort("192.0.2.99:1"), netip.Addr{})
	if got, _, _ := read(t, chain, other); got != "local" {
		t.Fatalf("another device: %q", got)
	}
	if got, _, _ := read(t, chain, request("firmware.loads")); got != "local" {
		t.Fatalf("not a common file: %q", got)
	}
	for name, want := range map[string]bool{"RingList.xml": true, "ringlist.xml.sgn": true, "English_United_States/tones.xml": true,
		"SKDefault.xml": true, "DRoffice.xml": true, "SEP001122334455.cnf.xml": false, "jar41sip.sbn": false} {
		if got := c.common(name); got != want {
			t.Errorf("common(%q) = %v", name, got)
		}
	}
}

// TestHoldDefaults: with a remote cluster enabled, XMLDefault.cnf.xml is
// served locally only with auto-registration on.
func TestHoldDefaults(t *testing.T) {
	b := newFake(t, map[string]string{})
	local := source.Func(func(context.Context, *source.Request) (source.File, error) {
		return source.NewMemory([]byte("local"), time.Now()), nil
	})
	for _, tc := range []struct {
		name     string
		clusters []*domain.RemoteCluster
		autoReg  bool
		file     string
		want     error
	}{
		{"no remotes", nil, false, "XMLDefault.cnf.xml", nil},
		{"remotes, auto-registration off", []*domain.RemoteCluster{rc("B", 1, b.addr())}, false, "XMLDefault.cnf.xml", source.ErrNotFound},
		{"its .sgn too", []*domain.RemoteCluster{rc("B", 1, b.addr())}, false, "XMLDefault.cnf.xml.sgn", source.ErrNotFound},
		{"remotes, auto-registration on", []*domain.RemoteCluster{rc("B", 1, b.addr())}, true, "XMLDefault.cnf.xml", nil},
		{"other files", []*domain.RemoteCluster{rc("B", 1, b.addr())}, false, "RingList.xml", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := clustersOf(t, Config{}, tc.clusters...)
			_, _, err := read(t, HoldDefaults(local, c, func() bool { return tc.autoReg }), request(tc.file))
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
}

// TestReloadKeepsServers: a reload that keeps a server keeps its counters
// and health; a removed server is gone from the status.
func TestReloadKeepsServers(t *testing.T) {
	b := newFake(t, map[string]string{"a.xml": "x"})
	other := newFake(t, map[string]string{})
	recs := []*domain.RemoteCluster{rc("B", 1, b.addr(), other.addr())}
	c := New(Config{ID: "m", Load: func(context.Context) ([]*domain.RemoteCluster, error) { return recs, nil }})
	c.Reload(context.Background())
	read(t, c, request("a.xml"))
	recs = []*domain.RemoteCluster{rc("B", 1, b.addr()), rc("C", 2, other.addr())}
	c.Reload(context.Background())
	st := c.Status()
	if len(st) != 2 || len(st[0].Servers) != 1 || st[0].Servers[0].Hits != 1 || st[1].Cluster != "C" {
		t.Fatalf("status after reload: %+v", st)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestKeptWithinBudget: files are kept only while the byte budget allows;
// one past it is served but asked for again next time, and a cluster that
// leaves the configuration gives its bytes back.
func TestKeptWithinBudget(t *testing.T) {
	b := newFake(t, map[string]string{"a": strings.Repeat("a", 600), "b": strings.Repeat("b", 600)})
	recs := []*domain.RemoteCluster{rc("B", 1, b.addr())}
	c := New(Config{ID: "m", CacheBytes: 1000, Keep: time.Minute,
		Load: func(context.Context) ([]*domain.RemoteCluster, error) { return recs, nil }})
	c.Reload(context.Background())
	for range 2 {
		for _, name := range []string{"a", "b"} {
			if got, _, err := read(t, c, request(name)); err != nil || len(got) != 600 {
				t.Fatalf("%s: %d bytes, %v", name, len(got), err)
			}
		}
	}
	if n, kept := b.n.Load(), c.keptBytes.Load(); n != 3 || kept != 600 {
		t.Fatalf("remote asked %d times (want 3: a once, b twice), %d bytes kept (want 600)", n, kept)
	}
	recs = nil
	c.Reload(context.Background())
	if kept := c.keptBytes.Load(); kept != 0 {
		t.Fatalf("%d bytes kept after the cluster left", kept)
	}
}
