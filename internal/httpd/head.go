package httpd

import (
	"bytes"
	"errors"
	"strconv"
)

// Errors of parseHead. errIncomplete means more bytes are needed; the
// others are answered with a 4xx or 5xx and the connection is closed.
var (
	errIncomplete     = errors.New("httpd: incomplete request head")
	errBadRequest     = errors.New("httpd: malformed request")
	errBadVersion     = errors.New("httpd: unsupported HTTP version")
	errBadEncoding    = errors.New("httpd: unsupported transfer encoding")
	errTooManyHeaders = errors.New("httpd: too many header fields")
)

// maxFields bounds the header fields of one request.
const maxFields = 100

// head is one parsed HTTP/1.x request head. Its byte slices point into
// the buffer it was parsed from and are valid until that buffer is reused.
// Only the fields the file service reads are kept; the others are checked
// for form and skipped.
type head struct {
	method, target []byte
	minor          int  // HTTP/1.minor: 0 or 1
	keepAlive      bool // the connection stays open after the answer
	hasHost        bool
	contentLength  int64 // -1 when absent
	chunked        bool  // Transfer-Encoding: chunked

	rng, ifRange, ifMatch, ifNoneMatch, ifModified, ifUnmodified, via []byte
}

// fieldKind says which head field a header name fills.
type fieldKind uint8

const (
	fieldOther fieldKind = iota
	fieldHost
	fieldConnection
	fieldContentLength
	fieldTransferEncoding
	fieldRange
	fieldIfRange
	fieldIfMatch
	fieldIfNoneMatch
	fieldIfModified
	fieldIfUnmodified
	fieldVia
)

// fieldNames are the header names parseHead keeps, lower-case.
var fieldNames = map[string]fieldKind{
	"host": fieldHost, "connection": fieldConnection, "content-length": fieldContentLength,
	"transfer-encoding": fieldTransferEncoding, "range": fieldRange, "if-range": fieldIfRange,
	"if-match": fieldIfMatch, "if-none-match": fieldIfNoneMatch, "if-modified-since": fieldIfModified,
	"if-unmodified-since": fieldIfUnmodified, "x-cmtftp-via": fieldVia,
}

// parseHead parses the request head at the start of b into h and returns
// its length, up to and including the empty line. Lines may end in CRLF or
// a bare LF (RFC 9112 §2.2). It returns errIncomplete when b holds no
// whole head yet.
func parseHead(b []byte, h *head) (int, error) {
	end := headEnd(b)
	if end < 0 {
		return 0, errIncomplete
	}
	*h = head{contentLength: -1}
	line, rest := cutLine(b[:end])
	if err := h.requestLine(line); err != nil {
		return 0, err
	}
	conn := connNone
	for fields := 0; len(rest) > 0; fields++ {
		if fields == maxFields {
			return 0, errTooManyHeaders
		}
		line, rest = cutLine(rest)
		if len(line) == 0 {
			break
		}
		c, err := h.field(line)
		if err != nil {
			return 0, err
		}
		conn |= c
	}
	h.keepAlive = h.minor == 1 && conn&connClose == 0 || h.minor == 0 && conn&connKeepAlive != 0 && conn&connClose == 0
	if h.minor == 1 && !h.hasHost {
		return 0, errBadRequest // RFC 9112 §3.2: a 1.1 request without Host is a 400
	}
	return end, nil
}

// headEnd returns the length of the head at the start of b (through the
// empty line that ends it), or -1 when b does not hold it all.
func headEnd(b []byte) int {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1
		}
		i += j + 1
		switch {
		case i < len(b) && b[i] == '\n':
			return i + 1
		case i+1 < len(b) && b[i] == '\r' && b[i+1] == '\n':
			return i + 2
		}
	}
}

// cutLine splits b after its first line, dropping the line's CRLF or LF.
func cutLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil
	}
	line, rest = b[:i], b[i+1:]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, rest
}

// requestLine parses "METHOD SP target SP HTTP/1.x".
func (h *head) requestLine(line []byte) error {
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 || !isToken(line[:sp]) {
		return errBadRequest
	}
	h.method, line = line[:sp], line[sp+1:]
	sp = bytes.IndexByte(line, ' ')
	if sp <= 0 {
		return errBadRequest
	}
	h.target, line = line[:sp], line[sp+1:]
	for _, c := range h.target {
		if c <= ' ' || c == 0x7f {
			return errBadRequest
		}
	}
	switch string(line) {
	case "HTTP/1.1":
		h.minor = 1
	case "HTTP/1.0":
		h.minor = 0
	default:
		if len(line) > 5 && string(line[:5]) == "HTTP/" {
			return errBadVersion
		}
		return errBadRequest
	}
	return nil
}

// Connection options seen in a head.
const (
	connNone      = 0
	connClose     = 1
	connKeepAlive = 2
)

// field parses one header field line and keeps it when the service reads
// it; it returns the Connection options the line holds.
func (h *head) field(line []byte) (int, error) {
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 || !isToken(line[:colon]) {
		return 0, errBadRequest // also obs-fold: a line starting with space
	}
	name, value := line[:colon], trimOWS(line[colon+1:])
	for _, c := range value {
		if c < ' ' && c != '\t' || c == 0x7f {
			return 0, errBadRequest
		}
	}
	kind := fieldOther
	if len(name) <= len("if-unmodified-since") {
		var lower [len("if-unmodified-since")]byte
		for i, c := range name {
			lower[i] = toLower(c)
		}
		kind = fieldNames[string(lower[:len(name)])] // no allocation: a map index by string(bytes)
	}
	return h.keep(kind, value)
}

// keep stores value in the field kind names.
func (h *head) keep(kind fieldKind, value []byte) (int, error) {
	switch kind {
	case fieldHost:
		if h.hasHost {
			return 0, errBadRequest // RFC 9112 §3.2: more than one Host is a 400
		}
		h.hasHost = true
	case fieldConnection:
		return connOptions(value), nil
	case fieldContentLength:
		n, err := strconv.ParseUint(string(value), 10, 63)
		if err != nil || h.contentLength >= 0 && h.contentLength != int64(n) {
			return 0, errBadRequest
		}
		h.contentLength = int64(n)
	case fieldTransferEncoding:
		if !bytes.EqualFold(value, []byte("chunked")) {
			return 0, errBadEncoding
		}
		h.chunked = true
	case fieldRange:
		h.rng = value
	case fieldIfRange:
		h.ifRange = value
	case fieldIfMatch:
		h.ifMatch = value
	case fieldIfNoneMatch:
		h.ifNoneMatch = value
	case fieldIfModified:
		h.ifModified = value
	case fieldIfUnmodified:
		h.ifUnmodified = value
	case fieldVia:
		h.via = value
	}
	return connNone, nil
}

// connOptions reads the close and keep-alive options of a Connection value.
func connOptions(v []byte) int {
	opts := connNone
	for len(v) > 0 {
		var tok []byte
		if i := bytes.IndexByte(v, ','); i >= 0 {
			tok, v = trimOWS(v[:i]), v[i+1:]
		} else {
			tok, v = trimOWS(v), nil
		}
		switch {
		case bytes.EqualFold(tok, []byte("close")):
			opts |= connClose
		case bytes.EqualFold(tok, []byte("keep-alive")):
			opts |= connKeepAlive
		}
	}
	return opts
}

func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

func toLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// isToken reports whether b is an RFC 9110 token (a method or field name).
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f || bytes.IndexByte([]byte(`"(),/:;<=>?@[\]{}`), c) >= 0 {
			return false
		}
	}
	return true
}
