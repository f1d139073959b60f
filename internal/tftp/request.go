package tftp

import (
	"fmt"
	"strings"
)

// Transfer modes of RFC 1350. Modes are compared without regard to case.
const (
	ModeOctet    = "octet"
	ModeNetascii = "netascii"
	ModeMail     = "mail"
)

// Request is a decoded RRQ or WRQ.
type Request struct {
	Op       Opcode // OpRRQ or OpWRQ
	Filename string // as sent, not cleaned
	Mode     string // lower-cased
	Options  Options
	// Ignored counts option pairs that were not understood or not valid;
	// they are not acknowledged.
	Ignored int
}

// ParseRequest decodes an RRQ or WRQ.
//
//	 2 bytes     string    1 byte     string   1 byte
//	 ------------------------------------------------
//	| Opcode |  Filename  |   0  |    Mode    |   0  |  [options]
//	 ------------------------------------------------
//
// A filename or mode without its NUL, or an empty filename or mode, is
// ErrMalformed. Option pairs after the mode follow RFC 2347; bad ones are
// counted in Ignored and skipped.
func ParseRequest(b []byte) (Request, error) {
	var r Request
	op, err := PeekOpcode(b)
	if err != nil {
		return r, err
	}
	if op != OpRRQ && op != OpWRQ {
		return r, fmt.Errorf("%w: %s is not a request", ErrOpcode, op)
	}
	r.Op = op
	name, rest, ok := cutNUL(b[2:])
	if !ok {
		return r, fmt.Errorf("%w: filename not terminated", ErrMalformed)
	}
	if len(name) == 0 {
		return r, fmt.Errorf("%w: empty filename", ErrMalformed)
	}
	mode, rest, ok := cutNUL(rest)
	if !ok {
		return r, fmt.Errorf("%w: mode not terminated", ErrMalformed)
	}
	if len(mode) == 0 {
		return r, fmt.Errorf("%w: empty mode", ErrMalformed)
	}
	r.Filename = string(name)
	r.Mode = strings.ToLower(string(mode))
	r.Ignored = r.Options.parseOptions(rest)
	return r, nil
}

// AppendRequest appends an RRQ or WRQ to dst. The filename and mode must not
// contain NUL bytes.
func AppendRequest(dst []byte, op Opcode, filename, mode string, o Options) []byte {
	dst = append(dst, byte(op>>8), byte(op))
	dst = append(dst, filename...)
	dst = append(dst, 0)
	dst = append(dst, mode...)
	dst = append(dst, 0)
	return o.appendOptions(dst)
}
