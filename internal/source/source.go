// Package source is the seam between the servers (TFTP, HTTP) and the places
// files come from. A Source opens a file for a Request; sources are chained
// with First in one fixed order, and a source answers with the file, with
// ErrNotFound (the chain moves on), or with another error (the chain stops).
// Errors become TFTP codes or HTTP statuses only at the edge.
package source

import (
	"context"
	"errors"
	"io"
	"net/netip"
	"time"

	"cmtftp/internal/render"
)

// Sentinel errors a Source returns. Wrap them with %w to add detail; the
// detail is logged, never sent to a client.
var (
	// ErrNotFound means this source has no such file; the chain moves on.
	ErrNotFound = errors.New("source: file not found")
	// ErrDenied means the name is refused (escape, hostile name); the chain stops.
	ErrDenied = errors.New("source: access denied")
	// ErrBusy means the file exists or may exist but cannot be served now;
	// the client is told to retry later. The chain stops.
	ErrBusy = errors.New("source: busy, retry later")
)

// Protocol names the server a request came through.
type Protocol string

// The protocols that ask sources for files.
const (
	TFTP Protocol = "tftp"
	HTTP Protocol = "http"
	// HTTPS is the TLS server on 6971: a request for X.sgn there is
	// answered with the unsigned X (spec §1.1, §11.1).
	HTTPS Protocol = "https"
)

// Request is one client's request for one file.
type Request struct {
	// Name is the file name exactly as the client sent it.
	Name string
	// Path is Name cleaned by Clean: relative, '/'-separated, no "..".
	Path string
	// Remote is the client's address and port.
	Remote netip.AddrPort
	// Local is the server address the request arrived on.
	Local netip.Addr
	// Protocol is the server the request came through.
	Protocol Protocol
	// PeerCert is the SHA-256 of the certificate (DER) the client
	// presented over HTTPS, nil when it presented none (or over TFTP and
	// HTTP): an encrypted device's configuration goes in clear over TLS
	// only to the device whose certificate it is.
	PeerCert []byte
	// Via lists the servers (their IDs) a request proxied from another
	// cluster's master has passed through, first the one that asked first:
	// the ViaHeader of an HTTP request. Empty for a device's own request.
	Via []string

	target   render.Target
	resolved uint8 // 0: not yet; resolvedTarget or resolvedNone
}

const (
	resolvedTarget = 1 + iota
	resolvedNone
)

// Target is render.Resolve of Path — which built file the name is, if any —
// resolved on first use and kept, so that the chain's steps and the
// servers' counters share one resolution per request. A copy of a Request
// asking for another name must come from WithPath.
func (r *Request) Target() (render.Target, bool) {
	if r.resolved == 0 {
		r.resolved = resolvedNone
		if t, ok := render.Resolve(r.Path); ok {
			r.target, r.resolved = t, resolvedTarget
		}
	}
	return r.target, r.resolved == resolvedTarget
}

// Family is the configuration-file family of the name (render.Target's
// Family), "" when it is not a built file: what the request counters
// count by.
func (r *Request) Family() string {
	if t, ok := r.Target(); ok {
		return t.Family()
	}
	return ""
}

// WithPath returns a copy of r asking for name (Name and Path) instead.
func (r *Request) WithPath(name string) *Request {
	c := *r
	c.Name, c.Path, c.resolved = name, name, 0
	return &c
}

// ViaHeader is the HTTP header that carries Request.Via between servers,
// comma-separated: a server adds its own ID when it asks another cluster,
// and refuses a request that already names it (a loop).
const ViaHeader = "X-Cmtftp-Via"

// MaxVia is the most servers a proxied request may have passed through;
// a longer ViaHeader is refused as a loop.
const MaxVia = 8

// NewRequest cleans name and returns a Request for it. It fails with an
// error wrapping ErrDenied when the name is refused.
func NewRequest(name string, proto Protocol, remote netip.AddrPort, local netip.Addr) (*Request, error) {
	p, err := Clean(name)
	if err != nil {
		return nil, err
	}
	return &Request{Name: name, Path: p, Remote: remote, Local: local, Protocol: proto}, nil
}

// File is an open file. It is safe for concurrent ReadAt calls, so a cached
// file can serve many transfers at once. Close releases it.
type File interface {
	io.ReaderAt
	io.Closer
	// Size is the length in bytes.
	Size() int64
	// ModTime is the last modification time, for HTTP caching.
	ModTime() time.Time
}

// Source opens files.
type Source interface {
	// Open returns the file req asks for, or an error wrapping ErrNotFound,
	// ErrDenied or ErrBusy, or another error for a failure of the source.
	Open(ctx context.Context, req *Request) (File, error)
}

// Func adapts a function to the Source interface.
type Func func(ctx context.Context, req *Request) (File, error)

// Open calls f.
func (f Func) Open(ctx context.Context, req *Request) (File, error) { return f(ctx, req) }

// First returns a Source that asks each source in turn and answers with the
// first result that is not ErrNotFound. With no source it finds nothing.
func First(sources ...Source) Source {
	list := append([]Source(nil), sources...)
	return Func(func(ctx context.Context, req *Request) (File, error) {
		for _, s := range list {
			f, err := s.Open(ctx, req)
			if err == nil || !errors.Is(err, ErrNotFound) {
				return f, err
			}
		}
		return nil, ErrNotFound
	})
}
