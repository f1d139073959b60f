package httpd

import (
	"errors"
	"strings"
	"testing"
)

func TestParseHead(t *testing.T) {
	for _, c := range []struct {
		name, in  string
		err       error
		n         int // -1: the whole input
		method    string
		target    string
		keepAlive bool
		rng, inm  string
		length    int64
	}{
		{name: "get", in: "GET /SEP001122334455.cnf.xml HTTP/1.1\r\nHost: tftp\r\n\r\n", n: -1, method: "GET", target: "/SEP001122334455.cnf.xml", keepAlive: true, length: -1},
		{name: "bare LF", in: "GET /a HTTP/1.1\nHost: x\n\n", n: -1, method: "GET", target: "/a", keepAlive: true, length: -1},
		{name: "pipelined: one head", in: "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\n", n: 28, method: "GET", target: "/a", keepAlive: true, length: -1},
		{name: "1.0 closes", in: "GET /a HTTP/1.0\r\n\r\n", n: -1, method: "GET", target: "/a", length: -1},
		{name: "1.0 keep-alive", in: "GET /a HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", n: -1, method: "GET", target: "/a", keepAlive: true, length: -1},
		{name: "1.1 close", in: "HEAD /a HTTP/1.1\r\nHost: x\r\nConnection: TE, close\r\n\r\n", n: -1, method: "HEAD", target: "/a", length: -1},
		{name: "fields kept, any case, OWS trimmed", in: "GET /a HTTP/1.1\r\nhost:x\r\nRANGE: \tbytes=0-1 \r\nif-none-match: \"t\"\r\nContent-Length: 5\r\n\r\n",
			n: -1, method: "GET", target: "/a", keepAlive: true, rng: "bytes=0-1", inm: `"t"`, length: 5},
		{name: "incomplete", in: "GET /a HTTP/1.1\r\nHost: x\r\n", err: errIncomplete},
		{name: "empty", in: "", err: errIncomplete},
		{name: "1.1 without Host", in: "GET /a HTTP/1.1\r\n\r\n", err: errBadRequest},
		{name: "two Hosts", in: "GET /a HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", err: errBadRequest},
		{name: "HTTP/2 preface", in: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", err: errBadVersion},
		{name: "no version", in: "GET /a\r\n\r\n", err: errBadRequest},
		{name: "space in target", in: "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", err: errBadRequest},
		{name: "obs-fold", in: "GET /a HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", err: errBadRequest},
		{name: "no colon", in: "GET /a HTTP/1.1\r\nHost x\r\n\r\n", err: errBadRequest},
		{name: "space before colon", in: "GET /a HTTP/1.1\r\nHost : x\r\n\r\n", err: errBadRequest},
		{name: "NUL in value", in: "GET /a HTTP/1.1\r\nHost: x\x00y\r\n\r\n", err: errBadRequest},
		{name: "bad method", in: "G(T /a HTTP/1.1\r\nHost: x\r\n\r\n", err: errBadRequest},
		{name: "two lengths", in: "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", err: errBadRequest},
		{name: "negative length", in: "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", err: errBadRequest},
		{name: "gzip encoding", in: "GET /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", err: errBadEncoding},
		{name: "too many fields", in: "GET /a HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("X-A: 1\r\n", maxFields) + "\r\n", err: errTooManyHeaders},
	} {
		t.Run(c.name, func(t *testing.T) {
			var h head
			n, err := parseHead([]byte(c.in), &h)
			if !errors.Is(err, c.err) || c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err %v, want %v", err, c.err)
				}
				return
			}
			if c.n < 0 {
				c.n = len(c.in)
			}
			if n != c.n || string(h.method) != c.method || string(h.target) != c.target || h.keepAlive != c.keepAlive ||
				string(h.rng) != c.rng || string(h.ifNoneMatch) != c.inm || h.contentLength != c.length {
				t.Fatalf("n %d method %q target %q keep %v range %q inm %q length %d", n, h.method, h.target, h.keepAlive, h.rng, h.ifNoneMatch, h.contentLength)
			}
		})
	}
}

func TestParseHeadAllocates(t *testing.T) {
	b := []byte("GET /SEP001122334455.cnf.xml HTTP/1.1\r\nHost: tftp\r\nUser-Agent: Cisco-CP8865\r\nIf-None-Match: \"x\"\r\nConnection: keep-alive\r\n\r\n")
	var h head
	if n := testing.AllocsPerRun(100, func() { parseHead(b, &h) }); n != 0 {
		t.Fatalf("%v allocations a parse", n)
	}
}

// FuzzParseHead: any input parses or is refused without a panic, and a
// head that parses ends within the input at a blank line.
func FuzzParseHead(f *testing.F) {
	for _, s := range []string{"GET / HTTP/1.1\r\nHost: a\r\n\r\n", "GET /a HTTP/1.0\n\n", "HEAD /x HTTP/1.1\r\nHost: a\r\nRange: bytes=0-\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc", "\r\n\r\n", "GET / HTTP/9.9\r\n\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var h head
		n, err := parseHead(b, &h)
		if err != nil {
			return
		}
		if n <= 0 || n > len(b) || b[n-1] != '\n' {
			t.Fatalf("head of %d bytes in %q", n, b)
		}
		if h.minor != 0 && h.minor != 1 || len(h.method) == 0 || len(h.target) == 0 {
			t.Fatalf("parsed %+v", h)
		}
	})
}
