package remote

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
)

// slowServer answers every request after delay, with body sent in pieces
// of piece bytes every gap (a file that takes a while to come).
func slowServer(t *testing.T, delay time.Duration, body string, piece int, gap time.Duration) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		for rest := body; len(rest) > 0; {
			n := min(piece, len(rest))
			w.Write([]byte(rest[:n]))
			w.(http.Flusher).Flush()
			rest = rest[n:]
			time.Sleep(gap)
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// TestBudgetDoesNotMarkDown: requests that run out of their device
// request's time while queued behind others leave a healthy server up.
func TestBudgetDoesNotMarkDown(t *testing.T) {
	addr := slowServer(t, 200*time.Millisecond, "x", 1, 0)
	c := clustersOf(t, Config{Concurrency: 2, Budget: 500 * time.Millisecond, Timeout: time.Second}, rc("B", 1, addr))
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Go(func() {
			_, _, err := read(t, c, request(strings.Repeat("n", i+1)+".xml"))
			if err != nil && !errors.Is(err, source.ErrBusy) {
				t.Errorf("request %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if st := c.Status()[0].Servers[0]; !st.Up {
		t.Fatalf("a server slower than the queue, not than its timeout, was marked down: %+v", st)
	}
}

// TestSlowBodyServed: a file that keeps coming is read to its end though
// it takes longer than the budget; a body that stops is cut at Timeout.
func TestSlowBodyServed(t *testing.T) {
	body := strings.Repeat("y", 10)
	steady := slowServer(t, 0, body, 1, 60*time.Millisecond) // 600 ms, never a pause of Timeout
	c := clustersOf(t, Config{Budget: 300 * time.Millisecond, Timeout: 250 * time.Millisecond}, rc("B", 1, steady))
	if got, _, err := read(t, c, request("steady.bin")); err != nil || got != body {
		t.Fatalf("steady body: %q, %v", got, err)
	}
	stalling := slowServer(t, 0, body, 5, time.Second) // 5 bytes, then a pause of 1 s
	c = clustersOf(t, Config{Budget: 3 * time.Second, Timeout: 250 * time.Millisecond}, rc("B", 1, stalling))
	start := time.Now()
	if _, _, err := read(t, c, request("stalling.bin")); err == nil {
		t.Fatal("a body that paused past Timeout was served")
	}
	if took := time.Since(start); took > 900*time.Millisecond {
		t.Fatalf("the stalled body held the request %v", took)
	}
	if st := c.Status()[0].Servers[0]; st.Up {
		t.Fatalf("a server that stalled is still up: %+v", st)
	}
}

// TestLeaderGoneFollowersServed: the first request for a name going away
// does not end the fetch the others wait for.
func TestLeaderGoneFollowersServed(t *testing.T) {
	addr := slowServer(t, 200*time.Millisecond, "z", 1, 0)
	c := clustersOf(t, Config{}, rc("B", 1, addr))
	ctx, cancel := context.WithCancel(context.Background())
	go c.Open(ctx, request("f.xml"))
	time.Sleep(50 * time.Millisecond) // the leader's fetch is under way
	cancel()
	if got, _, err := read(t, c, request("f.xml")); err != nil || got != "z" {
		t.Fatalf("follower: %q, %v", got, err)
	}
}

// TestLoopNotRemembered: a 508 is not "nobody has it": the next request
// asks again.
func TestLoopNotRemembered(t *testing.T) {
	loop := newFake(t, nil)
	loop.setStatus(http.StatusLoopDetected)
	c := clustersOf(t, Config{NegativeTTL: time.Minute}, rc("B", 1, loop.addr()))
	for range 2 {
		if _, _, err := read(t, c, request("a.xml")); !errors.Is(err, source.ErrNotFound) {
			t.Fatalf("%v, want not found", err)
		}
	}
	if n := loop.n.Load(); n != 2 {
		t.Fatalf("asked %d times, want 2", n)
	}
}

// TestAffinityForgottenWhenServedLocally: a device configuration asked for
// again from an address forgets that address's cluster until a remote
// answers it again.
func TestAffinityForgottenWhenServedLocally(t *testing.T) {
	b := newFake(t, map[string]string{"SEP001122334455.cnf.xml": "<device/>", "RingList.xml": "B's"})
	c := clustersOf(t, Config{}, rc("B", 1, b.addr()))
	local := source.Func(func(_ context.Context, req *source.Request) (source.File, error) {
		if req.Path == "SEP00112233AAAA.cnf.xml" || req.Path == "RingList.xml" {
			return source.NewMemory([]byte("local"), time.Now()), nil
		}
		return nil, source.ErrNotFound
	})
	chain := source.First(c.Affinity(), local, c)
	read(t, chain, request("SEP001122334455.cnf.xml"))
	if got, _, _ := read(t, chain, request("RingList.xml")); got != "B's" {
		t.Fatalf("B's phone: %q", got)
	}
	read(t, chain, request("SEP00112233AAAA.cnf.xml")) // the master's own phone, at that address now
	if got, _, _ := read(t, chain, request("RingList.xml")); got != "local" {
		t.Fatalf("the master's phone at that address: %q", got)
	}
}

// TestAffinityBounded: the table stays within its bound, and a put into a
// full table is cheap.
func TestAffinityBounded(t *testing.T) {
	var a affinityTable
	a.init(time.Hour)
	base := netip.MustParseAddr("10.0.0.0").As4()
	for i := range maxAffinity + 5000 {
		b := base
		b[1], b[2], b[3] = byte(i>>16), byte(i>>8), byte(i)
		a.put(netip.AddrFrom4(b), "B", "SEP")
	}
	if n := len(a.m); n > maxAffinity {
		t.Fatalf("%d entries, bound %d", n, maxAffinity)
	}
}

// BenchmarkAffinityPutFull: a put into a full table.
func BenchmarkAffinityPutFull(b *testing.B) {
	var a affinityTable
	a.init(time.Hour)
	for i := range maxAffinity {
		a.put(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), "B", "SEP")
	}
	i := maxAffinity
	for b.Loop() {
		i++
		a.put(netip.AddrFrom4([4]byte{11, byte(i >> 16), byte(i >> 8), byte(i)}), "B", "SEP")
	}
}

// BenchmarkKeptHit: a request for a file kept from a remote cluster.
func BenchmarkKeptHit(b *testing.B) { benchOpen(b, time.Hour) }

// BenchmarkFetch: a request for a file not kept: one HTTP round trip to
// a remote server on loopback.
func BenchmarkFetch(b *testing.B) { benchOpen(b, time.Nanosecond) }

// benchOpen opens one 4 KiB remote file over and over, kept for keep.
func benchOpen(b *testing.B, keep time.Duration) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write(make([]byte, 4096)) }))
	defer srv.Close()
	c := New(Config{ID: "m", Keep: keep, Load: func(context.Context) ([]*domain.RemoteCluster, error) {
		return []*domain.RemoteCluster{{Name: "B", Servers: []string{strings.TrimPrefix(srv.URL, "http://")}}}, nil
	}})
	c.Reload(context.Background())
	req := request("f.bin")
	for b.Loop() {
		if _, err := c.Open(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}
