package httpd

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/source"
)

func chain(files map[string]string) source.Source {
	return source.Func(func(ctx context.Context, req *source.Request) (source.File, error) {
		switch req.Path {
		case "busy.xml":
			return nil, source.ErrBusy
		}
		if s, ok := files[req.Path]; ok {
			return source.NewMemory([]byte(s), time.Unix(1700000000, 0)), nil
		}
		return nil, source.ErrNotFound
	})
}

func TestHandler(t *testing.T) {
	eachServer(t, func(t *testing.T, k serverKind) {
		srv := k.serve(&Handler{Source: chain(map[string]string{"SEP001122334455.cnf.xml": "<device>0123456789</device>"})})
		defer srv.Close()
		get := func(method, path string, hdr ...string) (*http.Response, string) {
			t.Helper()
			req, _ := http.NewRequest(method, srv.URL+path, nil)
			for i := 0; i+1 < len(hdr); i += 2 {
				req.Header.Set(hdr[i], hdr[i+1])
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp, string(b)
		}
		resp, body := get("GET", "/SEP001122334455.cnf.xml")
		if resp.StatusCode != 200 || body != "<device>0123456789</device>" || !strings.HasPrefix(resp.Header.Get("ETag"), `"`) || len(resp.Header.Get("ETag")) != 66 {
			t.Fatalf("GET: %d %q etag %q", resp.StatusCode, body, resp.Header.Get("ETag"))
		}
		tag := resp.Header.Get("ETag")
		if resp, _ := get("GET", "/SEP001122334455.cnf.xml", "If-None-Match", tag); resp.StatusCode != 304 {
			t.Errorf("conditional GET: %d, want 304", resp.StatusCode)
		}
		if resp, body := get("GET", "/SEP001122334455.cnf.xml", "Range", "bytes=8-17"); resp.StatusCode != 206 || body != "0123456789" {
			t.Errorf("range: %d %q", resp.StatusCode, body)
		}
		if resp, body := get("HEAD", "/SEP001122334455.cnf.xml"); resp.StatusCode != 200 || body != "" || resp.ContentLength != 27 {
			t.Errorf("HEAD: %d %q %d", resp.StatusCode, body, resp.ContentLength)
		}
		if resp, _ := get("GET", "/missing.xml"); resp.StatusCode != 404 {
			t.Errorf("missing: %d", resp.StatusCode)
		}
		if resp, _ := get("GET", "/busy.xml"); resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
			t.Errorf("busy: %d retry-after %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		for _, p := range []string{"/%2e%2e/etc/passwd", "/%2E%2E%2Fetc", "/a/%00b", "/a%5c..%5cb", "/C:/x"} {
			if resp, _ := get("GET", p); resp.StatusCode != 403 {
				t.Errorf("GET %s: %d, want 403", p, resp.StatusCode)
			}
		}
		if resp, _ := get("PUT", "/SEP001122334455.cnf.xml"); resp.StatusCode != 405 {
			t.Errorf("PUT: %d, want 405", resp.StatusCode)
		}
	})
}

func TestSlotsAndResults(t *testing.T) {
	eachServer(t, func(t *testing.T, k serverKind) {
		slots := source.NewSlots(1)
		var results []Result
		var mu sync.Mutex
		h := &Handler{Source: chain(map[string]string{"a.xml": "abc"}), Slots: slots, OnDone: func(r Result) {
			mu.Lock()
			results = append(results, r)
			mu.Unlock()
		}}
		srv := k.serve(h)
		defer srv.Close()
		slots.Acquire() // TFTP holds the only slot
		resp, err := http.Get(srv.URL + "/a.xml")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "1" {
			t.Errorf("no free slot: %d", resp.StatusCode)
		}
		slots.Release()
		resp, _ = http.Get(srv.URL + "/a.xml")
		io.ReadAll(resp.Body)
		resp.Body.Close()
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			mu.Lock()
			n := len(results)
			mu.Unlock()
			if n == 2 {
				break
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if len(results) != 2 || results[0].Status != 503 || results[1].Status != 200 || results[1].Bytes != 3 || results[1].Name != "a.xml" || results[1].FromDisk {
			t.Errorf("results: %+v", results)
		}
		if slots.InUse() != 0 {
			t.Errorf("slot not given back")
		}
	})
}

// rawGet sends one request line over a fresh connection and returns the
// status code of the answer (0 when none could be read).
func rawGet(t *testing.T, addr, target string) int {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", target)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Errorf("GET %s: %v", target, err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestBackslashNames: HTTP serves the names TFTP serves — "\RingList.xml"
// and CIPC's "Communicator\…", escaped or not — and still refuses escaped
// dots, slashes and NUL and any ".." however spelt.
func TestBackslashNames(t *testing.T) {
	eachServer(t, func(t *testing.T, k serverKind) {
		srv := k.serve(&Handler{Source: chain(map[string]string{
			"RingList.xml": "rings", "Communicator/en_US/tones.xml": "tones",
		})})
		defer srv.Close()
		addr := strings.TrimPrefix(srv.URL, "http://")
		for _, tt := range []struct {
			target string
			want   int
		}{
			{"/RingList.xml", 200},
			{"/%5CRingList.xml", 200},
			{"/%5cRingList.xml", 200},
			{`/\RingList.xml`, 200},
			{"/Communicator%5Cen_US%5Ctones.xml", 200},
			{`/Communicator\en_US\tones.xml`, 200},
			{"/Communicator/en_US/tones.xml", 200},
			{"/Communicator%5Cen_US%5Cmissing.xml", 404},
			{"/a%5c..%5cRingList.xml", 403},
			{`/x\..\RingList.xml`, 403},
			{"/%2e%2e/RingList.xml", 403},
			{"/Communicator%2fen_US%2ftones.xml", 403},
			{"/RingList.xml%00", 403},
			{"/%5C%5C", 403},
		} {
			if got := rawGet(t, addr, tt.target); got != tt.want {
				t.Errorf("GET %s: %d, want %d", tt.target, got, tt.want)
			}
		}
	})
}

// TestRanges: overlapping and many small ranges cannot make the answer much
// larger than the file (they are merged, or the whole file is sent), while
// ordinary single and multipart ranges are answered as before.
func TestRanges(t *testing.T) {
	eachServer(t, func(t *testing.T, k serverKind) {
		const size = 16 << 10 // small: the parts' headers, not the bytes, make the amplification
		content := make([]byte, size)
		for i := range content {
			content[i] = byte(i * 7)
		}
		srv := k.serve(&Handler{Source: chain(map[string]string{"big.bin": string(content)})})
		defer srv.Close()
		many := func(n int, f func(i int) string) string {
			parts := make([]string, n)
			for i := range parts {
				parts[i] = f(i)
			}
			return "bytes=" + strings.Join(parts, ",")
		}
		for _, tt := range []struct {
			name, rng  string
			status     int
			parts      int // multipart parts; 0 for a single body
			wantPrefix string
		}{
			{"single", "bytes=10-19", 206, 0, string(content[10:20])},
			{"two apart", "bytes=0-9,10000-10009", 206, 2, ""},
			{"overlapping pair", "bytes=0-9,5-14", 206, 0, string(content[0:15])},
			{"2000 overlapping", many(2000, func(i int) string { return fmt.Sprintf("%d-%d", i, i+3) }), 206, 0, string(content[:100])},
			{"2000 identical", many(2000, func(int) string { return "0-99" }), 206, 0, string(content[:100])},
			{"2000 disjoint", many(2000, func(i int) string { return fmt.Sprintf("%d-%d", i*200, i*200) }), 200, 0, string(content[:100])},
			{"2000 suffixes", many(2000, func(i int) string { return fmt.Sprintf("-%d", i+1) }), 206, 0, string(content[size-2000 : size-1900])},
			{"past the end", "bytes=600000-600010,700000-", 416, 0, ""},
			{"one past the end", "bytes=0-9,700000-", 206, 0, string(content[:10])},
		} {
			t.Run(tt.name, func(t *testing.T) {
				req, _ := http.NewRequest("GET", srv.URL+"/big.bin", nil)
				req.Header.Set("Range", tt.rng)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, err := io.ReadAll(resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != tt.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
				}
				if len(body) > size+4096 {
					t.Errorf("%d bytes for a %d-byte file", len(body), size)
				}
				if !strings.HasPrefix(string(body), tt.wantPrefix) {
					t.Errorf("body starts %q", body[:min(len(body), 20)])
				}
				if tt.parts > 0 {
					ct := resp.Header.Get("Content-Type")
					if !strings.HasPrefix(ct, "multipart/byteranges") || strings.Count(string(body), "Content-Range:") != tt.parts {
						t.Errorf("want %d parts, got %s with %d", tt.parts, ct, strings.Count(string(body), "Content-Range:"))
					}
				}
			})
		}
	})
}

// getAndStall sends a GET on a connection with a small receive buffer and
// never reads the answer; it returns the connection, to be closed by the
// caller.
func getAndStall(t *testing.T, addr, path string) net.Conn {
	t.Helper()
	c := get(t, addr, path)
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetReadBuffer(4096) // keep the kernel from taking the whole file
	}
	return c
}

// get sends a GET and returns the connection for the caller to read.
func get(t *testing.T, addr, path string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path)
	return c
}

// waitFor polls cond for up to 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still not %s after 20 s", what)
		}
	}
}

// TestSlowReaders: clients that ask for a large file and never read hold
// their slots only until a write makes no progress for WriteTimeout; then
// the slots come back and the server serves again.
func TestSlowReaders(t *testing.T) {
	eachServer(t, func(t *testing.T, k serverKind) {
		const n = 4
		big := strings.Repeat("x", 4<<20)
		slots := source.NewSlots(n)
		var mu sync.Mutex
		aborted := 0
		srv := k.serve(&Handler{Source: chain(map[string]string{"big.bin": big, "a.xml": "abc"}),
			Slots: slots, WriteTimeout: 300 * time.Millisecond, OnDone: func(r Result) {
				mu.Lock()
				defer mu.Unlock()
				if r.Aborted && r.Name == "big.bin" && r.Bytes < int64(len(big)) {
					aborted++
				}
			}})
		defer srv.Close()
		addr := strings.TrimPrefix(srv.URL, "http://")
		for range n {
			c := getAndStall(t, addr, "/big.bin")
			defer c.Close()
		}
		waitFor(t, "holding every slot", func() bool { return slots.InUse() == n })
		if got := rawGet(t, addr, "/a.xml"); got != 503 && slots.InUse() == n {
			t.Fatalf("every slot held, yet GET: %d", got)
		}
		waitFor(t, "releasing the slots", func() bool { return slots.InUse() == 0 })
		waitFor(t, "reporting the stalled transfers aborted", func() bool { mu.Lock(); defer mu.Unlock(); return aborted == n })
		resp, err := http.Get(srv.URL + "/big.bin")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(b) != len(big) {
			t.Fatalf("after the stall: %d, %d bytes", resp.StatusCode, len(b))
		}
	})
}

// smallBuffers is a listener whose connections have small kernel send
// buffers, so that a response waits on its reader rather than on the kernel.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(64 << 10)
	}
	return c, err
}

// TestSteadyReader: the timeout is per write, renewed as bytes go out — a
// client that reads slowly but steadily gets the whole file although the
// response takes several times WriteTimeout.
func TestSteadyReader(t *testing.T) {
	eachServer(t, func(t *testing.T, k serverKind) {
		const wt = 300 * time.Millisecond
		big := strings.Repeat("y", 4<<20)
		srv := k.start(&Handler{Source: chain(map[string]string{"big.bin": big}), WriteTimeout: wt}, serverOpts{listener: func(ln net.Listener) net.Listener { return smallBuffers{ln} }})
		defer srv.Close()
		c := get(t, strings.TrimPrefix(srv.URL, "http://"), "/big.bin")
		defer c.Close()
		c.(*net.TCPConn).SetReadBuffer(256 << 10)
		c.SetReadDeadline(time.Now().Add(time.Minute))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		start, got, buf := time.Now(), 0, make([]byte, 64<<10)
		for got < len(big) {
			time.Sleep(20 * time.Millisecond)
			n, err := io.ReadFull(resp.Body, buf[:min(len(buf), len(big)-got)])
			got += n
			if err != nil {
				t.Fatalf("after %d bytes: %v", got, err)
			}
		}
		if took := time.Since(start); took < 3*wt {
			t.Logf("read in %v: not slow enough to show the renewal", took)
		}
	})
}

// TestTLSProtocol: a request over TLS reaches the chain as source.HTTPS
// (where X.sgn is answered unsigned) and its Result says TLS; plain HTTP
// stays source.HTTP.
func TestTLSProtocol(t *testing.T) {
	var got []source.Protocol
	var mu sync.Mutex
	var results []Result
	h := &Handler{Source: source.Func(func(_ context.Context, req *source.Request) (source.File, error) {
		mu.Lock()
		got = append(got, req.Protocol)
		mu.Unlock()
		return source.NewMemory([]byte("x"), time.Now()), nil
	}), OnDone: func(r Result) { mu.Lock(); results = append(results, r); mu.Unlock() }}
	tlsSrv := httptest.NewTLSServer(h)
	defer tlsSrv.Close()
	plain := httptest.NewServer(h)
	defer plain.Close()
	for _, c := range []struct {
		client *http.Client
		url    string
	}{{tlsSrv.Client(), tlsSrv.URL}, {plain.Client(), plain.URL}} {
		resp, err := c.client.Get(c.url + "/SEP001122334455.cnf.xml.sgn")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != source.HTTPS || got[1] != source.HTTP {
		t.Errorf("protocols %v, want [https http]", got)
	}
	if len(results) != 2 || !results[0].TLS || results[1].TLS {
		t.Errorf("results %+v: want TLS on the first only", results)
	}
}
