package httpd

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// Body limits: a request body up to dropBody bytes is read and dropped
// (the file service reads none); a longer one gets 413 and the end of the
// connection.
const dropBody = 64 << 10

// What linger reads, at most, of a refused client before closing.
const (
	lingerTime  = 500 * time.Millisecond
	lingerBytes = 256 << 10
)

// errHeadTooLarge means a request head outgrew MaxHeaderBytes.
var errHeadTooLarge = errors.New("httpd: request head too large")

// conn is one client connection of a Server. Everything in it is reused
// from request to request: the read buffer, the output buffer, the
// *http.Request handed to the handler and its Header and URL.
type conn struct {
	s      *Server
	nc     net.Conn
	tcp    *net.TCPConn // nil when nc is not TCP (tests' pipes): no sendfile
	ctx    context.Context
	cancel context.CancelFunc
	idle   atomic.Bool // waiting for a request, nothing of it read yet

	buf        []byte // buf[r:w] is read and not yet parsed
	r, w       int
	out        []byte // answers not yet written
	h          head
	req        *http.Request
	url        url.URL
	lastTarget []byte // the previous request's target, whose Path url holds
	resp       response

	headerTimeout, idleTimeout, writeTimeout time.Duration
	maxHeader                                int
	readBy, writeBy                          time.Time // deadlines set on nc (readBy: kept here when taking turns)

	// Taking turns (turns_linux.go); turnID 0: waiting on Go's poller.
	turnID   uint64
	turns    *turns
	rc       syscall.RawConn
	readFn   func(uintptr) bool // readOnce, made once
	wake     chan struct{}      // the turn
	timer    *time.Timer        // the read deadline
	timerSet bool
	timerAt  time.Time
	rp       []byte // readOnce's buffer and result
	rn       int
	rerr     syscall.Errno
}

func (s *Server) newConn(nc net.Conn) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return nil
	}
	if s.conns == nil {
		s.conns = map[*conn]struct{}{}
	}
	c := &conn{s: s, nc: nc, buf: make([]byte, 4<<10), out: make([]byte, 0, 8<<10)}
	c.tcp, _ = nc.(*net.TCPConn)
	if c.tcp != nil {
		if s.turns == nil {
			s.turns = newTurns()
		}
		if rc, err := c.tcp.SyscallConn(); err == nil && s.turns != nil {
			s.turns.add(c, rc)
		}
	}
	c.headerTimeout, c.idleTimeout, c.writeTimeout, c.maxHeader = s.limits()
	c.ctx, c.cancel = context.WithCancel(context.WithValue(context.Background(), http.LocalAddrContextKey, nc.LocalAddr()))
	c.req = (&http.Request{RemoteAddr: nc.RemoteAddr().String(), Body: http.NoBody}).WithContext(c.ctx)
	c.resp = response{c: c, hdr: http.Header{}}
	c.idle.Store(true)
	s.conns[c] = struct{}{}
	s.live.Add(1)
	if s.ConnState != nil {
		s.ConnState(nc, http.StateNew)
	}
	return c
}

// close ends the connection.
func (c *conn) close() {
	c.cancel()
	c.nc.Close()
	c.s.mu.Lock()
	delete(c.s.conns, c)
	if c.turnID != 0 {
		c.s.turns.remove(c.turnID)
		c.timer.Stop()
	}
	c.s.endTurns()
	c.s.mu.Unlock()
	if c.s.ConnState != nil {
		c.s.ConnState(c.nc, http.StateClosed)
	}
	c.s.live.Done()
}

// serve answers the connection's requests until it ends.
func (c *conn) serve() {
	defer c.close()
	defer func() {
		if p := recover(); p != nil && c.s.Logger != nil {
			c.s.Logger.Error("http handler panic", "client", c.req.RemoteAddr, "panic", p)
		}
	}()
	var started time.Time // when the first byte of the head in buf arrived
	for {
		n, err := parseHead(c.buf[c.r:c.w], &c.h)
		if errors.Is(err, errIncomplete) {
			if err = c.fill(&started); err != nil {
				if errors.Is(err, errHeadTooLarge) {
					c.refuse(err)
				}
				return
			}
			continue
		}
		if err != nil {
			c.refuse(err)
			return
		}
		c.r += n
		if !c.answer(started) {
			c.flush()
			return
		}
		if c.r == c.w {
			c.r, c.w = 0, 0
		}
		started = time.Now()
		if len(c.out) >= flushAt {
			if c.flush() != nil {
				return
			}
		}
	}
}

// answer hands the parsed request to the handler and reports whether the
// connection stays open.
func (c *conn) answer(started time.Time) bool {
	h := &c.h
	keep, ok := c.dropBody(h)
	if !ok {
		return false
	}
	r, err := c.request(h)
	if err != nil {
		c.refuse(err)
		return false
	}
	if started.IsZero() {
		started = time.Now()
	}
	c.resp.reset(h, started)
	c.s.Handler.ServeHTTP(&c.resp, r)
	if c.resp.finish() != nil {
		return false
	}
	return keep && !c.resp.close && !c.s.closing.Load()
}

// dropBody skips a short request body; keep is false when the connection
// must end after the answer, ok false when the request is refused.
func (c *conn) dropBody(h *head) (keep, ok bool) {
	switch {
	case h.chunked:
		return false, true // answered, and the unread body ends with the connection
	case h.contentLength <= 0:
		return true, true
	case h.contentLength > dropBody:
		c.out = append(c.out, "HTTP/1.1 413 Request Entity Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"...)
		c.flush()
		c.linger()
		return false, false
	}
	if have := int64(c.w - c.r); have >= h.contentLength {
		c.r += int(h.contentLength)
		return true, true
	}
	need := h.contentLength - int64(c.w-c.r)
	c.r, c.w = 0, 0
	c.readBy = time.Time{}
	if c.nc.SetReadDeadline(time.Now().Add(c.headerTimeout)) != nil {
		return false, false
	}
	for need > 0 { // read only the body: what follows it is the next request
		n, err := c.nc.Read(c.buf[:min(int64(len(c.buf)), need)])
		if err != nil {
			return false, false
		}
		need -= int64(n)
	}
	if c.turnID != 0 && c.nc.SetReadDeadline(time.Time{}) != nil { // turns keep their own
		return false, false
	}
	return true, true
}

// request fills the connection's reused *http.Request from h.
func (c *conn) request(h *head) (*http.Request, error) {
	r := c.req
	r.Method = methodString(h.method)
	r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/1.1", 1, h.minor
	if h.minor == 0 {
		r.Proto = "HTTP/1.0"
	}
	r.Close = !h.keepAlive
	if err := c.target(h.target); err != nil {
		return nil, err
	}
	r.URL, r.RequestURI = &c.url, ""
	clear(c.resp.hdr)
	hdr := r.Header
	if hdr == nil {
		hdr = http.Header{}
		r.Header = hdr
	}
	clear(hdr)
	for _, f := range [...]struct {
		key string
		v   []byte
	}{{"Range", h.rng}, {"If-Range", h.ifRange}, {"If-Match", h.ifMatch}, {"If-None-Match", h.ifNoneMatch},
		{"If-Modified-Since", h.ifModified}, {"If-Unmodified-Since", h.ifUnmodified}, {"X-Cmtftp-Via", h.via}} {
		if f.v != nil {
			hdr[f.key] = []string{string(f.v)}
		}
	}
	return r, nil
}

// target sets c.url from a request target: origin form ("/a/b?q") or
// absolute form ("http://host/a/b"). A plain path the previous request
// also asked for reuses its string.
func (c *conn) target(t []byte) error {
	if bytes.Equal(t, c.lastTarget) && c.lastTarget != nil {
		return nil
	}
	c.lastTarget = c.lastTarget[:0]
	if len(t) > 0 && t[0] == '/' && bytes.IndexAny(t, "%?#") < 0 {
		c.url = url.URL{Path: string(t)}
		c.lastTarget = append(c.lastTarget, t...)
		return nil
	}
	u, err := url.ParseRequestURI(string(t))
	if err != nil || u.Path == "" && u.Opaque == "" {
		return errBadRequest
	}
	c.url = url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery}
	return nil
}

// methodString returns the method as a string, without allocating for
// the usual ones.
func methodString(m []byte) string {
	switch string(m) {
	case http.MethodGet:
		return http.MethodGet
	case http.MethodHead:
		return http.MethodHead
	}
	return string(m)
}

// fill reads more of the connection, writing the answers gathered so far
// first. started is set when the first byte of a new head arrives.
func (c *conn) fill(started *time.Time) error {
	if err := c.flush(); err != nil {
		return err
	}
	empty := c.r == c.w
	if empty {
		c.r, c.w = 0, 0
	} else if c.w == len(c.buf) {
		if err := c.makeRoom(); err != nil {
			return err
		}
	}
	c.idle.Store(empty)
	if empty && c.s.closing.Load() {
		return net.ErrClosed
	}
	if err := c.readDeadline(empty, *started); err != nil {
		return err
	}
	var n int
	var err error
	if c.turnID != 0 {
		n, err = c.readTurn(c.buf[c.w:])
	} else {
		n, err = c.nc.Read(c.buf[c.w:])
	}
	c.idle.Store(false)
	if n > 0 && empty {
		*started = time.Now()
	}
	c.w += n
	return err
}

// makeRoom moves the unparsed bytes to the front of the buffer, or grows
// it up to the head limit.
func (c *conn) makeRoom() error {
	if c.r > 0 {
		c.w = copy(c.buf, c.buf[c.r:c.w])
		c.r = 0
		return nil
	}
	if len(c.buf) >= c.maxHeader {
		return errHeadTooLarge
	}
	nb := make([]byte, min(2*len(c.buf), c.maxHeader))
	c.w = copy(nb, c.buf[:c.w])
	c.buf = nb
	return nil
}

// readDeadline sets the read deadline for the wait ahead: the idle timeout
// between requests, the head timeout from a head's first byte. A deadline
// within a tenth of the wanted one is left as it is (fewer timer updates).
func (c *conn) readDeadline(idle bool, started time.Time) error {
	by := started.Add(c.headerTimeout)
	slack := c.headerTimeout / 10
	if idle {
		by, slack = time.Now().Add(c.idleTimeout), c.idleTimeout/10
	}
	if d := by.Sub(c.readBy); d >= 0 && d < slack {
		return nil
	}
	c.readBy = by
	if c.turnID != 0 {
		return nil // awaitTurn keeps it
	}
	return c.nc.SetReadDeadline(by)
}

// writeDeadline moves the write deadline to one write timeout from now,
// never past end (zero: no end); a deadline within a tenth of that is
// left as it is.
func (c *conn) writeDeadline(end time.Time) {
	by := time.Now().Add(c.writeTimeout)
	if !end.IsZero() && end.Before(by) {
		by = end
	}
	if d := by.Sub(c.writeBy); d >= 0 && d < c.writeTimeout/10 {
		return
	}
	c.writeBy = by
	_ = c.nc.SetWriteDeadline(by)
}

// flush writes the gathered answers.
func (c *conn) flush() error {
	if len(c.out) == 0 {
		return nil
	}
	c.writeDeadline(time.Time{})
	_, err := c.nc.Write(c.out)
	c.out = c.out[:0]
	return err
}

// send queues p as answer bytes, or writes it with what is queued when it
// is large, in pieces of at most sendChunk bytes with a deadline each.
func (c *conn) send(p []byte, end time.Time) error {
	if len(p) <= bodyInline && len(c.out)+len(p) <= flushAt {
		c.out = append(c.out, p...)
		return nil
	}
	for len(p) > 0 {
		piece := p[:min(len(p), sendChunk)]
		c.writeDeadline(end)
		bufs := net.Buffers{c.out, piece}
		_, err := bufs.WriteTo(c.nc) // one writev
		c.out = c.out[:0]
		if err != nil {
			return err
		}
		if p = p[len(piece):]; len(p) > 0 {
			runtime.Gosched() // the other connections run between pieces (sendChunk)
		}
	}
	return nil
}

// sendFile writes what is queued, then src (a file, or an io.LimitedReader
// of one) with sendfile(2), a piece of at most sendChunk bytes per
// deadline.
func (c *conn) sendFile(src io.Reader, end time.Time) (int64, error) {
	if err := c.flush(); err != nil {
		return 0, err
	}
	inner, left := src, int64(-1)
	if lr, ok := src.(*io.LimitedReader); ok {
		inner, left = lr.R, lr.N
		defer func() { lr.N = left }()
	}
	if sf, ok := inner.(sentFile); ok {
		inner = sf.OSFile() // the caller counts what went (Sent), not Read
	}
	var sent int64
	for left != 0 {
		piece := int64(sendChunk)
		if left > 0 {
			piece = min(left, sendChunk)
		}
		c.writeDeadline(end)
		var n int64
		var err error
		if c.tcp != nil {
			n, err = c.tcp.ReadFrom(&io.LimitedReader{R: inner, N: piece})
		} else {
			n, err = io.Copy(c.nc, &io.LimitedReader{R: inner, N: piece})
		}
		sent += n
		if left > 0 {
			left -= n
		}
		if err != nil || n < piece {
			return sent, err // an error, or the end of the file
		}
		if left != 0 {
			runtime.Gosched() // as in send
		}
	}
	return sent, nil
}

// refuse answers a request that cannot be read with its 4xx or 5xx, and
// the connection ends.
func (c *conn) refuse(err error) {
	status := http.StatusBadRequest
	switch {
	case errors.Is(err, errBadVersion):
		status = http.StatusHTTPVersionNotSupported
	case errors.Is(err, errBadEncoding):
		status = http.StatusNotImplemented
	case errors.Is(err, errTooManyHeaders), errors.Is(err, errHeadTooLarge):
		status = http.StatusRequestHeaderFieldsTooLarge
	}
	text := http.StatusText(status)
	c.out = appendStatus(c.out, status)
	c.out = append(c.out, "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"...)
	c.out = append(c.out, text...)
	c.flush()
	c.linger()
}

// linger half-closes a connection being given up while the client may
// still be sending, and reads what comes for a moment: closing with
// unread bytes would reset it, and the client might lose the answer
// before reading it.
func (c *conn) linger() {
	if c.tcp == nil || c.tcp.CloseWrite() != nil {
		return
	}
	c.nc.SetReadDeadline(time.Now().Add(lingerTime))
	io.CopyN(io.Discard, c.nc, lingerBytes)
}

// finishHead ends a head begun in out: Date, the body's framing,
// Connection, and the empty line.
func (c *conn) finishHead(out []byte, length int64, chunked, closing, proto1 bool) []byte {
	out = append(out, "\r\nDate: "...)
	out = append(out, c.s.date.get(time.Now())...)
	switch {
	case chunked:
		out = append(out, "\r\nTransfer-Encoding: chunked"...)
	case length >= 0:
		out = append(out, "\r\nContent-Length: "...)
		out = strconv.AppendInt(out, length, 10)
	}
	switch {
	case closing:
		out = append(out, "\r\nConnection: close"...)
	case proto1:
		out = append(out, "\r\nConnection: keep-alive"...)
	}
	return append(out, "\r\n\r\n"...)
}
