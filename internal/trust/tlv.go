package trust

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrMalformed reports bytes that do not follow the §11 layout, or a field
// the layout cannot hold (a timestamp outside 4-byte Unix time).
var ErrMalformed = errors.New("trust: malformed file")

// ErrTooLarge reports a file over a size limit (a trust list over 64 KiB, or
// an element over 65535 bytes).
var ErrTooLarge = errors.New("trust: too large")

// ErrSignature reports a signature that does not verify.
var ErrSignature = errors.New("trust: bad signature")

// ErrKey reports a key or certificate this codec cannot use.
var ErrKey = errors.New("trust: unsupported key")

// tagPadding is the only tag with no length: a single 0x0D byte.
const tagPadding = 13

// appendTLV appends tag | length | value; the caller keeps value ≤ 65535.
func appendTLV(dst []byte, tag byte, value []byte) []byte {
	dst = append(dst, tag)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(value)))
	return append(dst, value...)
}

// appendCString appends a NUL-terminated string element.
func appendCString(dst []byte, tag byte, s string) []byte {
	v := make([]byte, 0, len(s)+1)
	v = append(append(v, s...), 0)
	return appendTLV(dst, tag, v)
}

// checkLen refuses a value that does not fit a 2-byte length.
func checkLen(what string, n int) error {
	if n > 0xFFFF {
		return fmt.Errorf("%s is %d bytes, over 65535: %w", what, n, ErrTooLarge)
	}
	return nil
}

// element is one decoded tag-length-value; off is where its tag starts.
type element struct {
	tag   byte
	off   int
	value []byte
}

// next reads the element at b[off:] (padding is a one-byte element with no
// value) and returns it with the offset after it.
func next(b []byte, off int) (element, int, error) {
	if off >= len(b) {
		return element{}, 0, fmt.Errorf("element at %d: past the end: %w", off, ErrMalformed)
	}
	tag := b[off]
	if tag == tagPadding {
		return element{tag: tag, off: off}, off + 1, nil
	}
	if off+3 > len(b) {
		return element{}, 0, fmt.Errorf("tag %d at %d: truncated length: %w", tag, off, ErrMalformed)
	}
	n := int(binary.BigEndian.Uint16(b[off+1:]))
	end := off + 3 + n
	if end > len(b) {
		return element{}, 0, fmt.Errorf("tag %d at %d: %d bytes past the end: %w", tag, off, n, ErrMalformed)
	}
	return element{tag: tag, off: off, value: b[off+3 : end]}, end, nil
}

// cstring decodes a NUL-terminated string value.
func cstring(e element) (string, error) {
	v := e.value
	if len(v) == 0 || v[len(v)-1] != 0 {
		return "", fmt.Errorf("tag %d at %d: string not NUL-terminated: %w", e.tag, e.off, ErrMalformed)
	}
	return string(v[:len(v)-1]), nil
}

// fixed checks that a value has exactly n bytes.
func fixed(e element, n int) error {
	if len(e.value) != n {
		return fmt.Errorf("tag %d at %d: length %d, want %d: %w", e.tag, e.off, len(e.value), n, ErrMalformed)
	}
	return nil
}
