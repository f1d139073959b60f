package device

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// loadsFile is what a device takes from a .loads file: the archives to
// fetch, in order.
type loadsFile struct {
	signed   bool
	archives []string
	version  string // LA_VERSION=, when given
}

// parseLoads reads a .loads file (spec §10.2): an optional signed header
// (the TLV header of spec §11.1, whose tag 2 gives its length; the
// signature is not checked) and a text body of one archive name a line,
// LF or CRLF, "#" comment and condition lines, "LA_VERSION=" lines, and
// the 792x form NAME SIZE DIGEST. A body naming no archive is broken.
func parseLoads(b []byte) (loadsFile, error) {
	var l loadsFile
	body, signed, err := loadsBody(b)
	if err != nil {
		return l, err
	}
	l.signed = signed
	if err := textOnly(body); err != nil {
		return l, err
	}
	err = eachLine(body, func(_ int, line string) error {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || line[0] == '#':
			return nil
		case strings.HasPrefix(line, "LA_VERSION="):
			l.version = strings.TrimPrefix(line, "LA_VERSION=")
			return nil
		}
		f := strings.Fields(line)
		if len(f) != 1 && len(f) != 3 {
			return fmt.Errorf("%q is neither NAME nor NAME SIZE DIGEST", cut(line, 40))
		}
		if len(f) == 3 {
			if _, err := strconv.ParseUint(f[1], 10, 63); err != nil {
				return fmt.Errorf("size %q is not a number", f[1])
			}
		}
		if !archiveName(f[0]) {
			return fmt.Errorf("%q is not an archive name", cut(f[0], 40))
		}
		l.archives = append(l.archives, f[0])
		return nil
	})
	if err == nil && len(l.archives) == 0 {
		err = errors.New("names no archive")
	}
	return l, err
}

// loadsBody strips a signed header: tag 1 (version, 2 bytes) then tag 2
// (header length, 2 bytes, big-endian). A text body never begins with the
// byte 1, so a file that does not is taken as a plain body.
func loadsBody(b []byte) ([]byte, bool, error) {
	if len(b) == 0 || b[0] != 1 {
		return b, false, nil
	}
	if len(b) < 10 || b[1] != 0 || b[2] != 2 || b[5] != 2 || b[6] != 0 || b[7] != 2 {
		return nil, true, errors.New("a signed header without its version and header-length elements")
	}
	n := int(b[8])<<8 | int(b[9])
	if n < 10 || n > len(b) {
		return nil, true, fmt.Errorf("signed header of %d bytes in a file of %d", n, len(b))
	}
	return b[n:], true, nil
}

// archiveName reports whether s can be the name of a firmware archive: a
// plain file name of the TFTP root, printable ASCII.
func archiveName(s string) bool {
	if s == "" || len(s) > 255 || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '/' || c == '\\' {
			return false
		}
	}
	return true
}

// note is what the device shows of a .loads file.
func (l loadsFile) note() string {
	s := plural(len(l.archives), "archive")
	if l.signed {
		s += ", signed header (signature not checked)"
	}
	if l.version != "" {
		s += ", LA_VERSION " + l.version
	}
	return s
}
