package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"cmtftp/internal/source"
)

// StatusLoop is the status a server answers a request that already passed
// it (RFC 5842's 508 Loop Detected).
const StatusLoop = http.StatusLoopDetected

// Errors of an answer that came, as opposed to one that did not.
var (
	// errTooLarge reports a remote file past Config.MaxFileSize.
	errTooLarge = errors.New("remote file larger than the limit")
	// errStatus reports a status that is none of the expected ones.
	errStatus = errors.New("unexpected status")
	// errStalled reports a server that did not begin its answer, or paused
	// in it, for Config.Timeout: it is marked down.
	errStalled = errors.New("no answer in time")
	// errBudget reports a request given up because the device request's
	// Budget ran out before the answer began: nothing is known of the
	// server.
	errBudget = errors.New("the device request's time ran out")
)

// fetched is a remote file as one server sent it.
type fetched struct {
	data []byte
	etag string
	mod  time.Time
}

// ask sends one request for name to srv and reads the answer: the file, or
// what the status says. etag, when set, makes it a revalidation. The
// request ends (errStalled) when its answer does not begin, or its body
// pauses, for Config.Timeout, and (errBudget) when ctx ends before the
// answer begins; a body that keeps coming is read to its end, bounded by
// Config.MaxFileSize.
func (c *Clusters) ask(ctx context.Context, srv *server, name string, via []string, etag string) (answer, fetched, error) {
	rctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancel(nil)
	stall := time.AfterFunc(c.cfg.Timeout, func() { cancel(errStalled) })
	defer stall.Stop()
	stopBudget := context.AfterFunc(ctx, func() { cancel(errBudget) })
	defer stopBudget()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, srv.base+"/"+escapePath(name), nil)
	if err != nil {
		return answerError, fetched{}, err
	}
	req.Header.Set(source.ViaHeader, strings.Join(append(via[:len(via):len(via)], c.cfg.ID), ", "))
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := c.cfg.Client.Do(req)
	if err != nil {
		return answerError, fetched{}, withCause(rctx, fmt.Errorf("%s: %w", srv.addr, err))
	}
	defer resp.Body.Close()
	stopBudget() // the answer has begun: the stall timer bounds the rest
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotModified:
		return answerNotModified, fetched{}, nil
	case http.StatusNotFound:
		return answerNotFound, fetched{}, nil
	case http.StatusServiceUnavailable:
		return answerBusy, fetched{}, nil
	case StatusLoop:
		return answerLoop, fetched{}, fmt.Errorf("%s refused the request as a loop (via %s)", srv.addr, req.Header.Get(source.ViaHeader))
	default:
		return answerError, fetched{}, fmt.Errorf("%s answered %s: %w", srv.addr, resp.Status, errStatus)
	}
	if resp.ContentLength > c.cfg.MaxFileSize {
		return answerError, fetched{}, fmt.Errorf("%s: %s is %d bytes: %w", srv.addr, name, resp.ContentLength, errTooLarge)
	}
	data, err := readBody(resp.Body, resp.ContentLength, c.cfg.MaxFileSize, func() { stall.Reset(c.cfg.Timeout) })
	if err != nil {
		return answerError, fetched{}, withCause(rctx, fmt.Errorf("%s: reading %s: %w", srv.addr, name, err))
	}
	f := fetched{data: data, etag: resp.Header.Get("ETag")}
	f.mod, _ = http.ParseTime(resp.Header.Get("Last-Modified"))
	return answerHit, f, nil
}

// withCause adds to err why ctx was cancelled (errStalled, errBudget),
// which the HTTP client reports only as "context canceled".
func withCause(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil && !errors.Is(err, cause) && !errors.Is(cause, context.Canceled) {
		return fmt.Errorf("%w: %w", cause, err)
	}
	return err
}

// readBody reads r whole, at most limit bytes (size of them when the
// length is known, else -1), calling progress after every read that
// brought bytes.
func readBody(r io.Reader, size, limit int64, progress func()) ([]byte, error) {
	out := make([]byte, 0, max(size, 0))
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if int64(len(out)+n) > limit {
				return nil, errTooLarge
			}
			out = append(out, buf[:n]...)
			progress()
		}
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// escapePath escapes each element of a cleaned name for a URL path.
func escapePath(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
