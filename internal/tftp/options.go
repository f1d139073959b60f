package tftp

import "strconv"

// Options holds the negotiated options of RFC 2347 that cmtftp knows. A zero
// field means the option is absent; TSize uses HasTSize because zero is the
// value a reader sends in its request. Options are always encoded in the
// order of the fields, so an OACK is deterministic.
type Options struct {
	BlockSize  int   // blksize, RFC 2348: 8–65464
	Timeout    int   // timeout in seconds, RFC 2349: 1–255
	TSize      int64 // tsize, RFC 2349: the transfer size in bytes
	HasTSize   bool  // whether tsize is present
	WindowSize int   // windowsize, RFC 7440: 1–65535
}

// Empty reports whether no option is set.
func (o Options) Empty() bool {
	return o.BlockSize == 0 && o.Timeout == 0 && !o.HasTSize && o.WindowSize == 0
}

// Option names as they go on the wire.
const (
	OptBlockSize  = "blksize"
	OptTimeout    = "timeout"
	OptTSize      = "tsize"
	OptWindowSize = "windowsize"
)

// maxDigits bounds an option value so that parsing cannot overflow: ten
// digits hold every value of every option (tsize up to 9,999,999,999 bytes).
const maxDigits = 10

// set records one option pair. It returns false when the option is unknown,
// repeated or its value is malformed or out of range; such an option is
// ignored and not acknowledged, and the transfer goes on without it.
// A blksize above 65464 is lowered to 65464, as RFC 2348 lets a server answer
// with a smaller size than asked.
func (o *Options) set(name, value []byte) bool {
	v, ok := parseDecimal(value)
	if !ok {
		return false
	}
	switch {
	case equalFold(name, OptBlockSize):
		if o.BlockSize != 0 || v < MinBlockSize {
			return false
		}
		o.BlockSize = int(min(v, MaxBlockSize))
	case equalFold(name, OptTimeout):
		if o.Timeout != 0 || v < MinTimeout || v > MaxTimeout {
			return false
		}
		o.Timeout = int(v)
	case equalFold(name, OptTSize):
		if o.HasTSize {
			return false
		}
		o.TSize, o.HasTSize = v, true
	case equalFold(name, OptWindowSize):
		if o.WindowSize != 0 || v < MinWindowSize || v > MaxWindowSize {
			return false
		}
		o.WindowSize = int(v)
	default:
		return false
	}
	return true
}

// appendOptions appends the set options as NUL-terminated name/value pairs.
func (o Options) appendOptions(dst []byte) []byte {
	if o.BlockSize != 0 {
		dst = appendPair(dst, OptBlockSize, int64(o.BlockSize))
	}
	if o.Timeout != 0 {
		dst = appendPair(dst, OptTimeout, int64(o.Timeout))
	}
	if o.HasTSize {
		dst = appendPair(dst, OptTSize, o.TSize)
	}
	if o.WindowSize != 0 {
		dst = appendPair(dst, OptWindowSize, int64(o.WindowSize))
	}
	return dst
}

// parseOptions reads name/value pairs from b. It returns how many pairs were
// ignored (unknown, repeated, malformed, or a list that ends mid-pair).
func (o *Options) parseOptions(b []byte) (ignored int) {
	for len(b) > 0 {
		name, rest, ok := cutNUL(b)
		if !ok {
			return ignored + 1
		}
		value, rest, ok := cutNUL(rest)
		if !ok {
			return ignored + 1
		}
		if !o.set(name, value) {
			ignored++
		}
		b = rest
	}
	return ignored
}

// AppendOACK appends an OACK packet carrying the set options to dst.
//
//	+-------+---~~---+---+---~~---+---+---~~---+---+---~~---+---+
//	|  opc  |  opt1  | 0 | value1 | 0 |  optN  | 0 | valueN | 0 |
//	+-------+---~~---+---+---~~---+---+---~~---+---+---~~---+---+
func AppendOACK(dst []byte, o Options) []byte {
	dst = append(dst, 0, byte(OpOACK))
	return o.appendOptions(dst)
}

// ParseOACK decodes an OACK packet. Unlike a request, an OACK with a
// malformed or unknown option is refused as a whole: a client must not
// accept options it did not ask for (RFC 2347).
func ParseOACK(b []byte) (Options, error) {
	var o Options
	if err := expect(b, OpOACK, 2); err != nil {
		return o, err
	}
	if o.parseOptions(b[2:]) > 0 {
		return o, ErrMalformed
	}
	return o, nil
}

func appendPair(dst []byte, name string, v int64) []byte {
	dst = append(dst, name...)
	dst = append(dst, 0)
	dst = strconv.AppendInt(dst, v, 10)
	return append(dst, 0)
}

// parseDecimal accepts 1–10 ASCII digits and nothing else: no sign, no
// spaces, no exponent.
func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > maxDigits {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// equalFold compares b with the lower-case ASCII string s, ignoring case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// cutNUL splits b at its first NUL, reporting whether there was one.
func cutNUL(b []byte) (field, rest []byte, ok bool) {
	for i, c := range b {
		if c == 0 {
			return b[:i], b[i+1:], true
		}
	}
	return b, nil, false
}
