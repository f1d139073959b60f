package httpd

import (
	"io"
	"net/http"
	"strings"
	"time"

	"cmtftp/internal/source"
)

// The Content-Types of the file service, by the name's extension; the
// index is also the source.Memory memo slot of a file's header fields.
const (
	typeXML = iota
	typeText
	typeBinary
)

var contentTypes = [...]string{
	typeXML:    "text/xml; charset=utf-8",
	typeText:   "text/plain; charset=utf-8",
	typeBinary: "application/octet-stream",
}

// typeOf is the Content-Type index of a file name.
func typeOf(name string) int {
	switch {
	case hasSuffixFold(name, ".xml"):
		return typeXML
	case hasSuffixFold(name, ".cnf"), hasSuffixFold(name, ".txt"):
		return typeText
	}
	return typeBinary
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// fileHead is the header fields of the answers with one version of a file,
// as http.ServeContent would set them, ready to be copied out: for a 200
// (Accept-Ranges, Content-Type, Etag, Last-Modified; the server adds Date
// and Content-Length) and for a 304 (Etag, Last-Modified).
type fileHead struct {
	etag   string
	mod    time.Time // truncated to the second, as If-Modified-Since compares it
	ok     []byte
	notMod []byte
}

// headOf returns f's header fields for Content-Type ct: made once per
// version of a file held in memory (source.Memory.Memo), per request for
// others.
func headOf(f source.File, ct int) *fileHead {
	if m, ok := f.(*source.Memory); ok {
		return m.Memo(ct, func() any { return newFileHead(f, ct) }).(*fileHead)
	}
	return newFileHead(f, ct)
}

func newFileHead(f source.File, ct int) *fileHead {
	fh := &fileHead{etag: etag(f), mod: f.ModTime().Truncate(time.Second)}
	var lm []byte
	if mod := f.ModTime(); !mod.IsZero() && !mod.Equal(time.Unix(0, 0)) {
		lm = appendField(nil, "Last-Modified", mod.UTC().Format(http.TimeFormat))
	} else {
		fh.mod = time.Time{}
	}
	et := appendField(nil, "Etag", fh.etag)
	fh.ok = appendField(nil, "Accept-Ranges", "bytes")
	fh.ok = appendField(fh.ok, "Content-Type", contentTypes[ct])
	fh.ok = append(append(fh.ok, et...), lm...)
	fh.notMod = append(et, lm...)
	return fh
}

// simple reports whether r asks for a whole file, at most conditionally
// on If-None-Match or If-Modified-Since: what serveFast answers. Ranges
// and the other preconditions go to http.ServeContent.
func simple(r *http.Request) bool {
	h := r.Header
	return h["Range"] == nil && h["If-Range"] == nil && h["If-Match"] == nil && h["If-Unmodified-Since"] == nil
}

// serveFast answers a simple request on the connection server with f's
// prepared header fields: 304 when the client has this version, else 200
// and the body — from memory in one write with the head, from disk with
// sendfile(2).
func serveFast(w *response, r *http.Request, f source.File, ct int) {
	fh := headOf(f, ct)
	if fh.notModified(r) {
		w.status, w.noBody = http.StatusNotModified, true
		w.writeFixed(fh.notMod, -1)
		return
	}
	w.status = http.StatusOK
	size := f.Size()
	w.writeFixed(fh.ok, size)
	if w.noBody {
		return
	}
	if m, ok := f.(interface{ Bytes() []byte }); ok {
		w.Write(m.Bytes())
		return
	}
	if s, ok := f.(source.Sendable); ok && s.OSFile() != nil {
		if _, err := s.OSFile().Seek(0, io.SeekStart); err == nil {
			w.ReadFrom(&io.LimitedReader{R: sentFile{s}, N: size})
			return
		}
	}
	io.Copy(writerOnly{w}, io.NewSectionReader(f, 0, size))
}

// notModified is http.ServeContent's test for a GET or HEAD: If-None-Match
// when present, else If-Modified-Since.
func (fh *fileHead) notModified(r *http.Request) bool {
	if v := r.Header["If-None-Match"]; v != nil {
		return etagListMatches(v[0], fh.etag)
	}
	v := r.Header["If-Modified-Since"]
	if v == nil || fh.mod.IsZero() {
		return false
	}
	t, err := http.ParseTime(v[0])
	return err == nil && !fh.mod.After(t)
}

// etagListMatches reports whether the If-None-Match list matches tag by
// weak comparison (RFC 9110 §13.1.2), "*" matching any.
func etagListMatches(list, tag string) bool {
	tag = strings.TrimPrefix(tag, "W/")
	for part := range strings.SplitSeq(list, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == tag {
			return true
		}
	}
	return false
}

// writeFixed appends the head of the status w holds with the prepared
// fields and, when length is not negative, its Content-Length.
func (w *response) writeFixed(fields []byte, length int64) {
	w.headed, w.length = true, length
	if w.c.s.closing.Load() {
		w.close = true
	}
	out := appendStatus(w.c.out, w.status)
	out = append(out, fields...)
	w.c.out = w.c.finishHead(out, length, false, w.close, w.proto1)
}
