package httpd

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cmtftp/internal/source"
)

// dial opens a raw connection to s and returns it with a reader of answers.
func dial(t *testing.T, s *testServer) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c, bufio.NewReader(c)
}

// answer reads one answer to a request of method.
func answer(t *testing.T, br *bufio.Reader, method string) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp, string(b)
}

func ownServer(t *testing.T, h http.Handler, tune func(*Server)) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Handler: h}
	if tune != nil {
		tune(s)
	}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return &testServer{URL: "http://" + ln.Addr().String(), close: func() { s.Close() }}
}

// TestPipelining: requests sent in one write are answered in order, each
// whole, on the same connection — HEAD without a body, a miss with 404 —
// and a request body of a few bytes is skipped, not taken for a request.
func TestPipelining(t *testing.T) {
	srv := ownServer(t, &Handler{Source: chain(map[string]string{"a.xml": "<a/>", "b.cnf": "bee"})}, nil)
	c, br := dial(t, srv)
	io.WriteString(c, "GET /a.xml HTTP/1.1\r\nHost: x\r\n\r\n"+
		"HEAD /a.xml HTTP/1.1\r\nHost: x\r\n\r\n"+
		"GET /b.cnf HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nGET /"+
		"GET /missing.xml HTTP/1.1\r\nHost: x\r\n\r\n"+
		"GET /b.cnf HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	for i, want := range []struct {
		method string
		status int
		body   string
		ctype  string
	}{{"GET", 200, "<a/>", "text/xml; charset=utf-8"}, {"HEAD", 200, "", "text/xml; charset=utf-8"}, {"GET", 200, "bee", "text/plain; charset=utf-8"},
		{"GET", 404, "Not Found\n", "text/plain; charset=utf-8"}, {"GET", 200, "bee", "text/plain; charset=utf-8"}} {
		resp, body := answer(t, br, want.method)
		if resp.StatusCode != want.status || body != want.body || resp.Header.Get("Content-Type") != want.ctype || resp.Header.Get("Date") == "" {
			t.Fatalf("answer %d: %d %q %q", i, resp.StatusCode, body, resp.Header)
		}
		if want.method == "HEAD" && resp.ContentLength != 4 {
			t.Fatalf("HEAD: Content-Length %d", resp.ContentLength)
		}
	}
	if n, err := br.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Fatalf("after Connection: close: %d, %v", n, err)
	}
}

// TestHTTP10: an answer of unknown length goes chunked on HTTP/1.1 and
// ends with the connection on HTTP/1.0, keep-alive or not; header values
// cannot inject lines.
func TestHTTP10(t *testing.T) {
	long := strings.Repeat("z", 3*bufferBody)
	srv := ownServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Injected", "a\r\nSet-Cookie: b")
		io.WriteString(w, long)
	}), nil)
	c, br := dial(t, srv)
	io.WriteString(c, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, body := answer(t, br, "GET")
	if body != long || len(resp.TransferEncoding) != 1 || resp.Header.Get("Set-Cookie") != "" || resp.Header.Get("X-Injected") != "a  Set-Cookie: b" {
		t.Fatalf("1.1: %d bytes, encoding %v, header %q", len(body), resp.TransferEncoding, resp.Header)
	}
	for _, req := range []string{"GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", "GET /x HTTP/1.0\r\n\r\n"} {
		c, _ := dial(t, srv)
		io.WriteString(c, req)
		b, err := io.ReadAll(c) // the end of the connection ends the body
		if err != nil || !strings.HasSuffix(string(b), "\r\nConnection: close\r\n\r\n"+long) {
			t.Fatalf("%q: %v, %d bytes", req, err, len(b))
		}
	}
}

// TestRefused: a request that cannot be read gets its status and the end
// of the connection.
func TestRefused(t *testing.T) {
	srv := ownServer(t, &Handler{Source: chain(map[string]string{"a.xml": "<a/>"})}, func(s *Server) { s.MaxHeaderBytes = 8 << 10 })
	for _, c := range []struct {
		name, req string
		status    int
	}{
		{"garbage", "HELLO\r\n\r\n", 400},
		{"no Host", "GET /a.xml HTTP/1.1\r\n\r\n", 400},
		{"HTTP/2", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505},
		{"gzip body", "GET /a.xml HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
		{"head too large", "GET /a.xml HTTP/1.1\r\nHost: x\r\nX-Pad: " + strings.Repeat("p", 9<<10) + "\r\n\r\n", 431},
		{"body too large", "GET /a.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n", 413},
		{"bad escape", "GET /a%zz.xml HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"smuggled dot", "GET /%2e%2E/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", 403},
		{"PUT", "PUT /a.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx", 405},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn, br := dial(t, srv)
			io.WriteString(conn, c.req)
			resp, _ := answer(t, br, "GET")
			if resp.StatusCode != c.status {
				t.Fatalf("%d, want %d", resp.StatusCode, c.status)
			}
		})
	}
}

// TestTargets: absolute-form targets and percent-escapes reach the chain
// as the name they spell.
func TestTargets(t *testing.T) {
	srv := ownServer(t, &Handler{Source: chain(map[string]string{"Desk Phone.xml": "sp", "a.xml": "a"})}, nil)
	c, br := dial(t, srv)
	for _, target := range []string{"/Desk%20Phone.xml", "http://tftp:6970/a.xml", "/a.xml?x=1"} {
		io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: x\r\n\r\n")
		if resp, _ := answer(t, br, "GET"); resp.StatusCode != 200 {
			t.Fatalf("%s: %d", target, resp.StatusCode)
		}
	}
}

// TestTimeouts: an idle connection is closed after IdleTimeout, and one
// whose head stalls after ReadHeaderTimeout.
func TestTimeouts(t *testing.T) {
	srv := ownServer(t, &Handler{Source: chain(map[string]string{"a.xml": "a"})}, func(s *Server) {
		s.IdleTimeout, s.ReadHeaderTimeout = 200*time.Millisecond, 200*time.Millisecond
	})
	for _, sent := range []string{"", "GET /a.xml HTTP/1.1\r\nHo"} {
		c, br := dial(t, srv)
		io.WriteString(c, sent)
		start := time.Now()
		if _, err := br.ReadByte(); err != io.EOF {
			t.Fatalf("%q: %v, want EOF", sent, err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Fatalf("%q: closed after %v", sent, took)
		}
	}
}

// TestShutdown: Shutdown closes idle connections at once, lets a request
// being answered finish, and Serve returns http.ErrServerClosed.
func TestShutdown(t *testing.T) {
	release, entered := make(chan struct{}), make(chan struct{})
	s := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "done")
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	srv := &testServer{URL: "http://" + ln.Addr().String()}
	idle, idleR := dial(t, srv)
	busy, busyR := dial(t, srv)
	io.WriteString(busy, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
	<-entered
	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(context.Background()) }()
	if _, err := idleR.ReadByte(); err != io.EOF {
		t.Fatalf("idle connection: %v, want EOF", err)
	}
	_ = idle
	close(release)
	if resp, body := answer(t, busyR, "GET"); resp.StatusCode != 200 || body != "done" || !resp.Close {
		t.Fatalf("busy connection: %d %q close %v", resp.StatusCode, body, resp.Close)
	}
	if err := <-shut; err != nil {
		t.Fatal(err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve: %v", err)
	}
}

// TestPanic: a handler's panic ends its connection, not the server.
func TestPanic(t *testing.T) {
	srv := ownServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/boom" {
			panic("boom")
		}
		io.WriteString(w, "ok")
	}), nil)
	c, br := dial(t, srv)
	io.WriteString(c, "GET /boom HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("after a panic: %v", err)
	}
	c, br = dial(t, srv)
	io.WriteString(c, "GET /fine HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, body := answer(t, br, "GET"); body != "ok" {
		t.Fatalf("next connection: %q", body)
	}
}

// noReadAt is a disk file whose ReadAt fails: served right, it can only
// have gone from its OS file (sendfile).
type noReadAt struct {
	source.Sendable
	sent *atomic.Int64
}

func (noReadAt) ReadAt([]byte, int64) (int, error) { return 0, errors.New("ReadAt called") }
func (f noReadAt) Sent(n int64)                    { f.sent.Add(n) }

// TestSendfile: a file from disk goes whole, in a range and after HEAD,
// without a ReadAt, on both servers (net/http's too takes the OS file), and
// what went is reported to the file (the disk-read counters).
func TestSendfile(t *testing.T) {
	dir := t.TempDir()
	content := strings.Repeat("0123456789abcdef", 64<<10) // 1 MiB
	os.WriteFile(filepath.Join(dir, "load.sbn"), []byte(content), 0o644)
	disk, err := source.NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer disk.Close()
	eachServer(t, func(t *testing.T, k serverKind) {
		var sent atomic.Int64
		src := source.Func(func(ctx context.Context, req *source.Request) (source.File, error) {
			f, err := disk.Open(ctx, req)
			if err != nil {
				return nil, err
			}
			return noReadAt{f.(source.Sendable), &sent}, nil
		})
		srv := k.serve(&Handler{Source: src})
		defer srv.Close()
		c, br := dial(t, srv)
		io.WriteString(c, "GET /load.sbn HTTP/1.1\r\nHost: x\r\n\r\nHEAD /load.sbn HTTP/1.1\r\nHost: x\r\n\r\n"+
			"GET /load.sbn HTTP/1.1\r\nHost: x\r\nRange: bytes=16-31\r\n\r\n")
		if resp, body := answer(t, br, "GET"); resp.StatusCode != 200 || body != content {
			t.Fatalf("GET: %d, %d bytes", resp.StatusCode, len(body))
		}
		if resp, _ := answer(t, br, "HEAD"); resp.StatusCode != 200 || resp.ContentLength != int64(len(content)) {
			t.Fatalf("HEAD: %d, %d", resp.StatusCode, resp.ContentLength)
		}
		if resp, body := answer(t, br, "GET"); resp.StatusCode != 206 || body != content[16:32] {
			t.Fatalf("range: %d %q", resp.StatusCode, body)
		}
		// Sent is told after the last byte left, maybe after the client read it.
		waitFor(t, "the file told of every byte sent", func() bool { return sent.Load() == int64(len(content))+16 })
	})
}
