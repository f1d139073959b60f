// Package httpd serves the files of the source chain over HTTP, as CUCM's
// TFTP service does on port 6970: GET and HEAD, Range and conditional
// requests, ETag from the content hash, 404 for not found and 503 with
// Retry-After when the chain is busy.
package httpd

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	"cmtftp/internal/source"
)

// HashLimit is the largest file whose ETag is its SHA-256; larger files
// (firmware) get a weak ETag from size and modification time instead of
// being read twice per request.
const HashLimit = 1 << 20

// Write limits. A response is written in chunks of at most writeChunk
// bytes (http.ServeContent writes 32 KiB at a time), and each chunk must
// leave within the write timeout: a reader that stops reading loses its
// connection (and its serving slot) after one timeout, while a slow reader
// that keeps reading is never cut off before MaxResponseTime.
const (
	// DefaultWriteTimeout is Handler.WriteTimeout's default.
	DefaultWriteTimeout = 10 * time.Second
	// MaxResponseTime bounds a whole response however steadily it is read.
	MaxResponseTime = 10 * time.Minute
	writeChunk      = 32 << 10
)

// Handler serves files from Source.
type Handler struct {
	// Source is the serving chain.
	Source source.Source
	// Slots, when set, is the Maximum Serving Count shared with TFTP: a
	// request that finds no free slot gets 503 and Retry-After.
	Slots *source.Slots
	// Logger receives one line per failed request at debug level; nil discards.
	Logger *slog.Logger
	// OnDone, if set, is called at the end of every request: the metrics
	// and boot-timeline hook.
	OnDone func(Result)
	// Metrics, when set, counts every request.
	Metrics *Metrics
	// WriteTimeout is how long one chunk of a response may take to leave
	// (a client that reads nothing for that long is dropped and its slot
	// freed); 0 means DefaultWriteTimeout.
	WriteTimeout time.Duration
	// ID names this server in the source.ViaHeader of requests proxied
	// between clusters: a request that already names it came back to it
	// (servers pointing at each other) and is refused with 508 Loop
	// Detected, as is one that passed more than source.MaxVia servers.
	ID string
	// Peers, when set, says which client addresses are other clusters'
	// masters: their proxied requests (those with a source.ViaHeader) take
	// a serving slot without being held to one address's share, since one
	// master asks for the devices of a whole cluster.
	Peers func(netip.Addr) bool

	loopLog source.LogLimit
}

// Result describes one finished HTTP request.
type Result struct {
	Name     string
	Remote   netip.AddrPort
	Status   int
	Bytes    int64
	Duration time.Duration
	FromDisk bool // served from a file on disk rather than a memory cache
	Aborted  bool // the client went away before the end
	Overflow bool // refused: no free serving slot
	Loop     bool // refused: a proxied request that came back (508)
	// Origin names the remote cluster the file came from; "" for this
	// server's own.
	Origin string
	// Signer names the key that signed the file here (source.SignerOf);
	// "" when it was served as it is stored.
	Signer string
	// TLS is set for a request over HTTPS (6971).
	TLS bool
	// Family is the configuration-file family of the name (source.Request's
	// Family, resolved once by the chain): "" for other files.
	Family string
}

// counter counts the bytes of a response body and keeps the connection's
// write deadline one WriteTimeout ahead of the last write.
type counter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	end     time.Time // MaxResponseTime after the start
	renewed time.Time // when the deadline was last moved
	n       int64
	status  int
}

func newCounter(rw http.ResponseWriter, start time.Time, timeout time.Duration) *counter {
	if timeout <= 0 {
		timeout = DefaultWriteTimeout
	}
	c := &counter{ResponseWriter: rw, rc: http.NewResponseController(rw), timeout: timeout, end: start.Add(MaxResponseTime)}
	c.renew(start)
	return c
}

// renew moves the connection's write deadline to one timeout from now, but
// never past the end of the response's time. It does so at most every
// tenth of the timeout, so a write that makes no progress fails after 90 to
// 100% of it. A writer without deadlines (not a net/http connection) is
// left as it is.
func (c *counter) renew(now time.Time) {
	if now.Sub(c.renewed) < c.timeout/10 {
		return
	}
	c.renewed = now
	d := now.Add(c.timeout)
	if d.After(c.end) {
		d = c.end
	}
	_ = c.rc.SetWriteDeadline(d) // http.ErrNotSupported: nothing to renew
}

func (c *counter) WriteHeader(code int) { c.status = code; c.ResponseWriter.WriteHeader(code) }

func (c *counter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	total := 0
	for len(b) > 0 {
		chunk := b[:min(len(b), writeChunk)]
		c.renew(time.Now())
		n, err := c.ResponseWriter.Write(chunk)
		c.n += int64(n)
		total += n
		if err != nil {
			return total, err
		}
		b = b[n:]
	}
	return total, nil
}

// ReadFrom sends a body with sendfile(2) when src is a Sendable's file
// under an io.LimitedReader (as http.ServeContent hands it) and the
// server's writer can (net/http's over plain TCP), a piece of at most
// sendChunk bytes per renewed deadline; else it copies through Write.
func (c *counter) ReadFrom(src io.Reader) (int64, error) {
	rf, ok := c.ResponseWriter.(io.ReaderFrom)
	lr, limited := src.(*io.LimitedReader)
	if !ok || !limited {
		return io.Copy(writerOnly{c}, src)
	}
	sf, ok := lr.R.(sentFile)
	if !ok {
		return io.Copy(writerOnly{c}, src)
	}
	if c.status == 0 {
		c.status = http.StatusOK
	}
	var total int64
	for lr.N > 0 {
		c.renew(time.Now())
		piece := &io.LimitedReader{R: sf.OSFile(), N: min(lr.N, sendChunk)} // counted below, not by Read
		n, err := rf.ReadFrom(piece)
		total, c.n, lr.N = total+n, c.n+n, lr.N-n
		sf.Sent(n)
		if err != nil || piece.N > 0 {
			return total, err
		}
	}
	return total, nil
}

var _ http.Handler = (*Handler)(nil)

// tracker is the writer ServeHTTP answers through: the connection server's
// own response, or a counter around another server's writer. It tells the
// status and body bytes of the answer.
type tracker interface {
	http.ResponseWriter
	sent() (status int, n int64)
}

func (c *counter) sent() (int, int64)  { return c.status, c.n }
func (w *response) sent() (int, int64) { return w.status, w.n }

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	w, own := rw.(*response)
	var t tracker = w
	if own {
		w.setWriteTimeout(h.WriteTimeout)
	} else {
		t = newCounter(rw, start, h.WriteTimeout)
	}
	res := Result{Name: strings.TrimPrefix(r.URL.Path, "/"), TLS: r.TLS != nil}
	res.Remote, _ = netip.ParseAddrPort(r.RemoteAddr)
	if h.OnDone != nil || h.Metrics != nil {
		defer h.done(&res, t, r, start)
	}
	f, req, s, ok := h.open(t, r, &res)
	defer s.release()
	if !ok {
		return
	}
	defer f.Close()
	res.Origin, res.Signer, res.Family = source.OriginOf(f), source.SignerOf(f), req.Family()
	_, inMemory := f.(interface{ Bytes() []byte }) // a source.Memory, or a kept file decompressed
	res.FromDisk = !inMemory
	ct := typeOf(req.Path)
	if own && simple(r) {
		serveFast(w, r, f, ct)
		return
	}
	t.Header().Set("ETag", etag(f))
	t.Header().Set("Content-Type", contentTypes[ct])
	http.ServeContent(t, limitRanges(r, f.Size()), "", f.ModTime(), content(f))
}

// done reports the finished request to the metrics and the OnDone hook.
func (h *Handler) done(res *Result, t tracker, r *http.Request, start time.Time) {
	status, n := t.sent()
	res.Status, res.Bytes, res.Duration = status, n, time.Since(start)
	if res.Status == 0 {
		res.Status = http.StatusOK
	}
	res.Aborted = r.Context().Err() != nil
	if h.Metrics != nil {
		h.Metrics.done(*res)
	}
	if h.OnDone != nil {
		h.OnDone(*res)
	}
}

// open takes the request through the loop check, a serving slot and the
// method check to the chain, and opens the file; when it reports false it
// has answered w itself. The slot it took (held reports it) is the
// caller's to release when the answer is done.
func (h *Handler) open(w http.ResponseWriter, r *http.Request, res *Result) (f source.File, req *source.Request, s slot, ok bool) {
	via, loop := h.via(r)
	if loop {
		res.Loop = true
		h.refuseLoop(w, r, res.Name, via)
		return nil, nil, s, false
	}
	if h.Slots != nil {
		if s, ok = h.acquire(res.Remote.Addr(), len(via) > 0); !ok {
			res.Overflow = true
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy, retry later", http.StatusServiceUnavailable)
			return nil, nil, s, false
		}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "read-only: GET and HEAD only", http.StatusMethodNotAllowed)
		return nil, nil, s, false
	}
	if req, ok = h.request(w, r, res.Remote); !ok {
		return nil, nil, s, false
	}
	req.Via = via
	f, err := h.Source.Open(r.Context(), req)
	if err != nil {
		res.Family = req.Family()
		h.fail(w, r, res.Name, err)
		return nil, nil, s, false
	}
	return f, req, s, true
}

// request turns r into a source request, answering 403 itself (and
// reporting false) for a name that is refused.
func (h *Handler) request(w http.ResponseWriter, r *http.Request, remote netip.AddrPort) (*source.Request, bool) {
	// Percent-escapes are decoded (a space is %20 on HTTP, a space on
	// TFTP), but an escaped dot, slash or NUL is refused: it can only be an
	// attempt to smuggle a path past the rules. An escaped backslash is
	// what an HTTP client makes of a CIPC "Communicator\…" or a
	// "\RingList.xml" name: decoded, it goes through source.Clean like a
	// TFTP name, which treats '\' as '/' (and refuses ".." either way).
	if raw := r.URL.EscapedPath(); smuggled(raw) {
		h.fail(w, r, raw, source.ErrDenied)
		return nil, false
	}
	name := strings.TrimPrefix(r.URL.Path, "/")
	proto := source.HTTP
	if r.TLS != nil {
		proto = source.HTTPS // X.sgn is answered with the unsigned X there
	}
	req, err := source.NewRequest(name, proto, remote, localAddr(r))
	if err != nil {
		h.fail(w, r, name, source.ErrDenied)
		return nil, false
	}
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		sum := sha256.Sum256(r.TLS.PeerCertificates[0].Raw)
		req.PeerCert = sum[:]
	}
	return req, true
}

// smuggled reports whether an escaped path holds an escaped dot, slash or
// NUL (%2e, %2f, %00, any case).
func smuggled(raw string) bool {
	for i := strings.IndexByte(raw, '%'); i >= 0 && i+2 < len(raw); {
		switch e := raw[i+1 : i+3]; {
		case e == "00", e[0] == '2' && (e[1]|0x20 == 'e' || e[1]|0x20 == 'f'):
			return true
		}
		j := strings.IndexByte(raw[i+1:], '%')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// localAddr is the server address r arrived on, when the server recorded it.
func localAddr(r *http.Request) netip.Addr {
	switch a := r.Context().Value(http.LocalAddrContextKey).(type) {
	case *net.TCPAddr:
		return a.AddrPort().Addr().Unmap() // as its String would read
	case net.Addr:
		if ap, err := netip.ParseAddrPort(a.String()); err == nil {
			return ap.Addr()
		}
	}
	return netip.Addr{}
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, name string, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, source.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, source.ErrDenied):
		status = http.StatusForbidden
	case errors.Is(err, source.ErrBusy):
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "1")
	}
	if h.Logger != nil {
		h.Logger.Debug("http request failed", "file", name, "client", r.RemoteAddr, "status", status, "err", err)
	}
	http.Error(w, http.StatusText(status), status)
}

// etag is the file's SHA-256 when it is small enough to hash, else a weak
// tag of size and modification time. A file that offers its hash (a
// source.Memory, a kept built file) is not hashed again.
func etag(f source.File) string {
	if m, ok := f.(interface{ SHA256() string }); ok && f.Size() <= HashLimit {
		return `"` + m.SHA256() + `"` // cached files: hashed once, not per request
	}
	if f.Size() <= HashLimit {
		h := sha256.New()
		if _, err := io.Copy(h, io.NewSectionReader(f, 0, f.Size())); err == nil {
			return `"` + hex.EncodeToString(h.Sum(nil)) + `"`
		}
	}
	return `W/"` + hex.EncodeToString([]byte(f.ModTime().UTC().Format(time.RFC3339Nano))) + "-" + strconv.FormatInt(f.Size(), 10) + `"`
}

// content is what http.ServeContent reads f from: the file itself when it
// is one of the operating system's (so that a plain-HTTP answer goes out
// with sendfile(2): Go's net/http, and the counter, hand an *os.File on),
// else a section reader over ReadAt.
func content(f source.File) io.ReadSeeker {
	if s, ok := f.(source.Sendable); ok && s.OSFile() != nil {
		return sentFile{s}
	}
	return io.NewSectionReader(f, 0, f.Size())
}

// sentFile reads a Sendable's file from where it is positioned and tells
// it what was read (what sendfile(2) sent bypasses Read: see
// counter.ReadFrom). Its SyscallConn makes net's sendfile take it.
type sentFile struct{ source.Sendable }

func (s sentFile) Read(p []byte) (int, error) {
	n, err := s.OSFile().Read(p)
	s.Sent(int64(n))
	return n, err
}

func (s sentFile) Seek(off int64, whence int) (int64, error) { return s.OSFile().Seek(off, whence) }

func (s sentFile) SyscallConn() (syscall.RawConn, error) { return s.OSFile().SyscallConn() }
