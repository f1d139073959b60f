package httpd

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"cmtftp/internal/source"
)

// benchFiles are a configuration file, a ring list and a load, each one
// source.Memory served again and again (as the caches serve them).
func benchFiles() (map[string]int, source.Source) {
	mod := time.Unix(1700000000, 0)
	files := map[string]*source.Memory{
		"SEP001122334455.cnf.xml": source.NewMemory([]byte(strings.Repeat("<x/>", 2000)), mod),
		"RingList.xml":            source.NewMemory([]byte(strings.Repeat("r", 141)), mod),
		"load.bin":                source.NewMemory([]byte(strings.Repeat("z", 4<<20)), mod),
	}
	sizes := map[string]int{}
	for k, m := range files {
		sizes[k] = int(m.Size())
	}
	return sizes, source.Func(func(_ context.Context, req *source.Request) (source.File, error) {
		if m, ok := files[req.Path]; ok {
			return m, nil
		}
		return nil, source.ErrNotFound
	})
}

// BenchmarkServe: each file over one loopback keep-alive connection, from a
// client that allocates nothing, so allocs/op are the server's: this
// package's Server beside net/http's with the same Handler.
func BenchmarkServe(b *testing.B) {
	sizes, src := benchFiles()
	h := &Handler{Source: src, Slots: source.NewSlots(100), Metrics: NewMetrics(prometheus.NewRegistry())}
	std := httptest.NewServer(h)
	defer std.Close()
	own := startServer(b, &Server{Handler: h})
	for _, s := range []struct{ name, addr string }{{"server", own}, {"net-http", std.Listener.Addr().String()}} {
		for _, name := range []string{"RingList.xml", "SEP001122334455.cnf.xml", "load.bin"} {
			b.Run(s.name+"/"+name, func(b *testing.B) {
				c, err := net.Dial("tcp", s.addr)
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				req := []byte("GET /" + name + " HTTP/1.1\r\nHost: bench\r\nUser-Agent: Cisco-CP8865/14.2\r\n\r\n")
				br := bufio.NewReaderSize(c, 64<<10)
				b.SetBytes(int64(sizes[name]))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := c.Write(req); err != nil {
						b.Fatal(err)
					}
					if n := readAnswer(b, br); n != sizes[name] {
						b.Fatalf("%d bytes, want %d", n, sizes[name])
					}
				}
			})
		}
	}
}

// startServer serves s on a loopback port until the test ends.
func startServer(tb testing.TB, s *Server) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go s.Serve(ln)
	tb.Cleanup(func() { s.Close() })
	return ln.Addr().String()
}

// readAnswer reads one 200 answer with a Content-Length and returns the
// body's length, allocating nothing.
func readAnswer(tb testing.TB, br *bufio.Reader) int {
	length := -1
	for first := true; ; first = false {
		line, err := br.ReadSlice('\n')
		if err != nil {
			tb.Fatal(err)
		}
		line = bytes.TrimRight(line, "\r\n")
		if first && !bytes.HasPrefix(line, []byte("HTTP/1.1 200 ")) {
			tb.Fatalf("answer %q", line)
		}
		if len(line) == 0 {
			break
		}
		if v, ok := bytes.CutPrefix(line, []byte("Content-Length: ")); ok {
			length = atoi(v)
		}
	}
	if _, err := br.Discard(length); err != nil {
		tb.Fatal(err)
	}
	return length
}

func atoi(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}
