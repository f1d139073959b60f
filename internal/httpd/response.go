package httpd

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Output limits of a connection. Answers are gathered in the connection's
// output buffer and written when no further request is waiting (HTTP/1.1
// pipelining answers a batch with one write), or when the buffer holds
// flushAt bytes; a body larger than bodyInline goes out from where it is,
// with the buffered head in the same writev, in pieces of at most
// sendChunk bytes, each with its own write deadline (so a reader that keeps
// reading at sendChunk per write timeout, 6.5 KB/s at the default, is never
// cut off). After each piece the connection lets the others run: a
// goroutine writing a 4 MiB answer into a loopback socket with room for it
// otherwise keeps the processor until it is all written, and the answers
// queued behind it wait — p99 3.6× nginx's for a 4 MiB load at c=64,
// 0.6–1.1× with 64 KiB pieces and a yield after each (scripts/bench).
const (
	flushAt    = 64 << 10
	bodyInline = 16 << 10
	sendChunk  = 64 << 10
	// bufferBody is how much of a body of unknown length is held to give
	// it a Content-Length; past it the answer is chunked (HTTP/1.1) or
	// ends with the connection (HTTP/1.0).
	bufferBody = 4 << 10
)

// response is the http.ResponseWriter of the connection server (server.go):
// one per connection, reset for every request.
type response struct {
	c      *conn
	hdr    http.Header
	status int
	noBody bool // HEAD, 204, 304: the head only
	proto1 bool // the request was HTTP/1.0
	close  bool // the connection ends after this answer
	headed bool // the head is in c.out
	length int64
	chunk  bool
	n      int64 // body bytes the handler wrote
	held   []byte
	end    time.Time // MaxResponseTime after the request began
	err    error     // the first write error: the client went away
}

var (
	_ http.ResponseWriter = (*response)(nil)
	_ io.ReaderFrom       = (*response)(nil)
)

// reset readies w for the next request.
func (w *response) reset(h *head, start time.Time) {
	clear(w.hdr)
	*w = response{c: w.c, hdr: w.hdr, held: w.held[:0], length: -1, proto1: h.minor == 0, close: !h.keepAlive,
		noBody: string(h.method) == http.MethodHead, end: start.Add(MaxResponseTime)}
	w.c.writeTimeout = w.c.s.writeTimeout()
}

// setWriteTimeout gives this answer's writes their own timeout (the
// Handler's WriteTimeout); 0 keeps the server's.
func (w *response) setWriteTimeout(d time.Duration) {
	if d > 0 {
		w.c.writeTimeout = d
	}
}

// Header implements http.ResponseWriter.
func (w *response) Header() http.Header { return w.hdr }

// WriteHeader implements http.ResponseWriter; informational codes are not
// sent (no handler here asks for them).
func (w *response) WriteHeader(code int) {
	if w.status != 0 || code < 200 {
		return
	}
	w.status = code
	if code == http.StatusNotModified || code == http.StatusNoContent {
		w.noBody = true
	}
	if cl := w.hdr.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			w.length = n
		}
	}
}

// Write implements http.ResponseWriter.
func (w *response) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	if w.err != nil {
		return 0, w.err
	}
	if w.noBody {
		if w.status == http.StatusNotModified || w.status == http.StatusNoContent {
			return 0, http.ErrBodyNotAllowed
		}
		return len(p), nil // HEAD: counted as sent, as net/http does
	}
	if !w.headed && w.length < 0 && len(w.held)+len(p) <= bufferBody {
		w.held = append(w.held, p...)
		w.n += int64(len(p))
		return len(p), nil
	}
	w.writeHead()
	if len(w.held) > 0 { // what was held for a Content-Length goes first
		held := w.held
		w.held = w.held[:0]
		if err := w.body(held); err != nil {
			return 0, err
		}
	}
	if err := w.body(p); err != nil {
		return 0, err
	}
	w.n += int64(len(p))
	return len(p), nil
}

// ReadFrom sends a body from src: with sendfile(2) when src is a
// Sendable's file (through io.LimitedReader, as io.CopyN and
// http.ServeContent hand it), else by copying.
func (w *response) ReadFrom(src io.Reader) (int64, error) {
	w.WriteHeader(http.StatusOK)
	lr, ok := src.(*io.LimitedReader)
	if !ok || w.noBody || w.length < 0 || w.err != nil {
		return io.Copy(writerOnly{w}, src)
	}
	sf, ok := lr.R.(sentFile)
	if !ok {
		return io.Copy(writerOnly{w}, src)
	}
	w.writeHead()
	n, err := w.c.sendFile(lr, w.end)
	w.n += n
	sf.Sent(n)
	if err != nil {
		w.fail(err)
	}
	return n, err
}

// writerOnly hides response's ReadFrom from io.Copy.
type writerOnly struct{ io.Writer }

// SetWriteDeadline lets http.ResponseController (the handler's counter)
// move the connection's write deadline.
func (w *response) SetWriteDeadline(t time.Time) error { return w.c.nc.SetWriteDeadline(t) }

// body sends p as (part of) the body.
func (w *response) body(p []byte) error {
	if w.chunk {
		w.c.out = strconv.AppendInt(w.c.out, int64(len(p)), 16)
		w.c.out = append(w.c.out, "\r\n"...)
		if err := w.c.send(p, w.end); err != nil {
			return w.fail(err)
		}
		w.c.out = append(w.c.out, "\r\n"...)
		return nil
	}
	if err := w.c.send(p, w.end); err != nil {
		return w.fail(err)
	}
	return nil
}

func (w *response) fail(err error) error {
	if w.err == nil {
		w.err = err
		w.close = true
		w.c.cancel()
	}
	return err
}

// finish ends the answer after the handler returned.
func (w *response) finish() error {
	w.WriteHeader(http.StatusOK)
	if !w.headed {
		if w.length < 0 && !w.noBody {
			w.length = int64(len(w.held))
		}
		w.writeHead()
		if len(w.held) > 0 && !w.noBody {
			w.c.out = append(w.c.out, w.held...)
		}
	}
	switch {
	case w.chunk:
		w.c.out = append(w.c.out, "0\r\n\r\n"...)
	case !w.noBody && w.length >= 0 && w.n != w.length:
		w.close = true // the body is shorter than it said: the client cannot tell where it ends
	}
	return w.err
}

// writeHead appends the status line and header fields to the output.
func (w *response) writeHead() {
	if w.headed {
		return
	}
	w.headed = true
	if w.c.s.closing.Load() {
		w.close = true // shutting down: this answer is the connection's last
	}
	if w.length < 0 && !w.noBody {
		if w.proto1 {
			w.close = true // HTTP/1.0: the end of the connection ends the body
		} else {
			w.chunk = true
		}
	}
	out := appendStatus(w.c.out, w.status)
	keys := make([]string, 0, len(w.hdr))
	for k := range w.hdr {
		switch k {
		case "Content-Length", "Transfer-Encoding", "Connection", "Date":
			continue
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range w.hdr[k] {
			out = appendField(out, k, v)
		}
	}
	w.c.out = w.c.finishHead(out, w.length, w.chunk, w.close, w.proto1)
}

// appendStatus appends "HTTP/1.1 code text".
func appendStatus(b []byte, code int) []byte {
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, ' ')
	return append(b, http.StatusText(code)...)
}

// appendField appends "\r\nkey: value", with CR and LF in the value
// replaced by spaces (no header injection).
func appendField(b []byte, k, v string) []byte {
	b = append(b, "\r\n"...)
	b = append(b, k...)
	b = append(b, ": "...)
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		b = append(b, c)
	}
	return b
}
