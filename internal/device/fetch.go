package device

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"cmtftp/internal/tftp"
	"cmtftp/internal/tftpclient"
)

// env holds the clients of a boot, or of every device of a storm: one
// TFTP client value and one HTTP client whose connections are pooled.
type env struct {
	tftp tftpclient.Client
	http *http.Client
	idle time.Duration // how long an HTTP answer may stay quiet: Timeout × (Retries+1)
	bufs sync.Pool     // *bytes.Buffer, for the files a device reads
}

// maxPooledBuffer bounds the buffers kept for the next device.
const maxPooledBuffer = 1 << 20

func (e *env) buffer() *bytes.Buffer {
	if b, ok := e.bufs.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

func (e *env) release(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBuffer {
		b.Reset()
		e.bufs.Put(b)
	}
}

// newEnv makes the clients of c (with its defaults): requests leave from
// c.LocalAddr when it is valid.
func newEnv(c Config) *env {
	e := &env{tftp: tftpclient.Client{Timeout: c.Timeout, Retries: c.Retries, LocalAddr: c.LocalAddr}}
	if c.BlockSize > 0 {
		e.tftp.BlockSize = c.BlockSize
	}
	if c.Via == ViaHTTP {
		d := &net.Dialer{Timeout: c.Timeout}
		if c.LocalAddr.IsValid() {
			d.LocalAddr = &net.TCPAddr{IP: c.LocalAddr.AsSlice(), Zone: c.LocalAddr.Zone()}
		}
		e.idle = c.Timeout * time.Duration(c.Retries+1)
		e.http = &http.Client{Transport: &http.Transport{
			DialContext:           d.DialContext,
			ResponseHeaderTimeout: e.idle,
			MaxIdleConnsPerHost:   256,
			DisableCompression:    true,
		}}
	}
	return e
}

func (e *env) close() {
	if e.http != nil {
		e.http.CloseIdleConnections()
	}
}

// sink is where a file goes: a buffer to parse, or nowhere (an archive).
type sink interface {
	io.Writer
	Reset()
}

// discard counts nothing and keeps nothing: firmware archives are only
// transferred.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) Reset()                      {}

// answer is how the fetch of one file ended, over all its attempts.
type answer int

const (
	gotFile     answer = iota // the file arrived
	noFile                    // the server answered that it has none
	noAnswer                  // no server answered
	busyTooLong               // the server stayed busy past the bound
	serverError               // another error answer
	canceled                  // the context ended
)

// maxStalls bounds the times one file is asked again of a server whose
// transfer stalled, before that server counts as not answering.
const maxStalls = 2

// fetch asks for one file until it is answered, following the rules of a
// phone: the request goes to the server in use (the first, or the last
// one that answered); busy waits and asks the same server again, never
// the next; a transfer that stalled is asked again of the same server (at
// most maxStalls times); no answer moves to the next server, each tried
// once; with
// ViaHTTP a failed connection sends this and every later request to TFTP.
// Every attempt is a Step; the last one's index is returned.
func (r *run) fetch(ctx context.Context, name string, w sink) (answer, int) {
	n := len(r.p.cfg.Servers)
	silent, busy, stalled := 0, 0, 0
	for {
		w.Reset()
		out, wait := r.attempt(ctx, r.p.cfg.Servers[r.cur], name, w)
		last := len(r.rep.Steps) - 1
		switch out {
		case Found:
			return gotFile, last
		case NotFound:
			return noFile, last
		case Failed:
			return serverError, last
		case Canceled:
			return canceled, last
		case Unreachable:
			r.http = false
		case BusyRetry:
			if busy++; busy > r.p.cfg.MaxBusyRetries {
				return busyTooLong, last
			}
			if !sleep(ctx, wait) {
				return canceled, last
			}
		case Stalled:
			if stalled++; stalled <= maxStalls {
				continue // the same server, at once
			}
			fallthrough
		case TimedOut:
			if silent++; silent >= n {
				return noAnswer, last
			}
			r.cur = (r.cur + 1) % n
		}
	}
}

// attempt sends one request and records it as a Step. For a busy answer
// it returns how long to wait.
func (r *run) attempt(ctx context.Context, srv netip.AddrPort, name string, w sink) (Outcome, time.Duration) {
	st := Step{At: time.Since(r.start), Name: name}
	start := time.Now()
	var wait time.Duration
	if r.http {
		st.Proto = "http"
		st.Server = netip.AddrPortFrom(srv.Addr(), uint16(r.p.cfg.HTTPPort)).String()
		st.Outcome, st.Bytes, st.Note, wait = r.httpGet(ctx, st.Server, name, w)
	} else {
		st.Proto, st.Server = "tftp", srv.String()
		st.Outcome, st.Bytes, st.Note = r.tftpGet(ctx, srv, name, w)
	}
	st.Took = time.Since(start)
	if st.Outcome == BusyRetry {
		if wait <= 0 {
			wait = r.p.cfg.BusyWait
		}
		wait += time.Duration(rand.Int64N(int64(wait)/4 + 1))
		st.Note = "busy: asking the same server again in " + wait.Round(time.Millisecond).String()
	}
	if st.Outcome != TimedOut && st.Outcome != Unreachable && st.Outcome != Canceled {
		r.rep.Server = st.Server
	}
	r.rep.Steps = append(r.rep.Steps, st)
	return st.Outcome, wait
}

// tftpGet is one TFTP request.
func (r *run) tftpGet(ctx context.Context, srv netip.AddrPort, name string, w io.Writer) (Outcome, int64, string) {
	cl := r.env.tftp
	if r.local.IsValid() {
		cl.LocalAddr = r.local
	}
	res, err := cl.Get(ctx, srv.String(), name, w)
	var re *tftpclient.RemoteError
	switch {
	case err == nil:
		return Found, res.Bytes, ""
	case ctx.Err() != nil:
		return Canceled, res.Bytes, ctx.Err().Error()
	case errors.As(err, &re) && re.Code == tftp.ErrFileNotFound:
		return NotFound, 0, ""
	case errors.As(err, &re) && re.Code == tftp.ErrUndefined && isBusy(re.Message):
		return BusyRetry, 0, ""
	case errors.Is(err, tftpclient.ErrTimeout) && (res.Bytes > 0 || res.Options != tftp.Options{}):
		// The server answered, then went quiet (its packets or ours lost
		// past its resends): a phone asks the same server again.
		return Stalled, res.Bytes, err.Error()
	case errors.Is(err, tftpclient.ErrTimeout), errors.Is(err, tftpclient.ErrSend):
		// The server stopped answering, never did, or never heard the
		// request (no route, a local address not on the host): no
		// response, so the next one is tried.
		return TimedOut, res.Bytes, err.Error()
	}
	// Another error answer, or an exchange the server broke (an option
	// not asked for, a block larger than agreed): the server did answer,
	// so the request failed on it and the next one is not tried.
	return Failed, res.Bytes, err.Error()
}

// isBusy recognises the delay answer: cmtftp's "busy, retry later", and
// the same idea in other servers' words.
func isBusy(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "busy") || strings.Contains(m, "retry later")
}

// httpGet is one HTTP request.
func (r *run) httpGet(ctx context.Context, hostport, name string, w io.Writer) (Outcome, int64, string, time.Duration) {
	u := url.URL{Scheme: "http", Host: hostport, Path: "/" + name}
	reqCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Failed, 0, err.Error(), 0
	}
	resp, err := r.env.http.Do(req)
	if err != nil {
		out, note := httpFailure(ctx, err)
		return out, 0, note, 0
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		body := newIdleReader(resp.Body, r.env.idle, cancel)
		n, err := io.Copy(w, body)
		body.stop()
		if err != nil {
			out, note := httpFailure(ctx, err)
			return out, n, note, 0
		}
		return Found, n, "", 0
	case http.StatusNotFound:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return NotFound, 0, "", 0
	case http.StatusServiceUnavailable:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return BusyRetry, 0, "", retryAfter(resp.Header.Get("Retry-After"))
	}
	return Failed, 0, resp.Status, 0
}

// httpFailure is what an HTTP request that ended in err comes to: the
// context ended (Canceled); no connection, or no answer within the
// device's timeout (Unreachable: TFTP from now on); anything else — an
// answer that is not HTTP, a connection dropped mid-answer — is a request
// that failed on this server (Failed).
func httpFailure(ctx context.Context, err error) (Outcome, string) {
	if ctx.Err() != nil {
		return Canceled, ctx.Err().Error()
	}
	var op *net.OpError
	var ne net.Error
	if errors.As(err, &op) && op.Op == "dial" || errors.As(err, &ne) && ne.Timeout() {
		return Unreachable, err.Error() + "; TFTP from now on"
	}
	return Failed, err.Error()
}

// retryAfter reads a Retry-After of whole seconds (at most a minute).
func retryAfter(v string) time.Duration {
	s, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || s <= 0 {
		return 0
	}
	return time.Duration(min(s, 60)) * time.Second
}

// sleep waits d, or until ctx ends (false).
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
