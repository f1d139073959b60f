package source

import (
	"fmt"
	"strings"
)

// Limits on a cleaned name.
const (
	// MaxNameLen is the longest name accepted, in bytes.
	MaxNameLen = 1024
	// MaxDepth is the most path elements a name may have.
	MaxDepth = 32
)

// Clean turns a requested name into a relative, '/'-separated path, or
// refuses it with an error wrapping ErrDenied. It
//   - treats '\' as '/' (Windows clients, CIPC "Communicator\…" names),
//   - strips leading separators, so "/SEP….cnf.xml" is the same file,
//   - drops empty and "." elements,
//   - refuses "..", any element of only dots ("...", "...." collapse
//     tricks), drive letters ("C:"), NUL and control characters, and names
//     longer than MaxNameLen or deeper than MaxDepth.
//
// Names are not percent-decoded: "%2e%2e%2f" is a literal (and absent) file.
func Clean(name string) (string, error) {
	if len(name) > MaxNameLen {
		return "", fmt.Errorf("%w: name of %d bytes", ErrDenied, len(name))
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c == 0x7f {
			return "", fmt.Errorf("%w: control character in name", ErrDenied)
		}
	}
	name = strings.ReplaceAll(name, `\`, "/") // no copy when there is none
	if len(name) >= 2 && name[1] == ':' && isLetter(name[0]) {
		return "", fmt.Errorf("%w: drive letter", ErrDenied)
	}
	depth, tidy := 0, true // tidy: no empty or "." element, so the name is its own path
	for elem := range strings.SplitSeq(name, "/") {
		switch {
		case elem == "" || elem == ".":
			tidy = false
			continue
		case strings.Trim(elem, ".") == "":
			return "", fmt.Errorf("%w: dot-only path element", ErrDenied)
		case strings.Contains(elem, ":"):
			return "", fmt.Errorf("%w: ':' in path element", ErrDenied)
		}
		if depth++; depth > MaxDepth {
			return "", fmt.Errorf("%w: path deeper than %d", ErrDenied, MaxDepth)
		}
	}
	switch {
	case depth == 0:
		return "", fmt.Errorf("%w: empty name", ErrDenied)
	case tidy:
		return name, nil // nearly every request: nothing to rebuild
	}
	var b strings.Builder
	b.Grow(len(name))
	for elem := range strings.SplitSeq(name, "/") {
		if elem == "" || elem == "." {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(elem)
	}
	return b.String(), nil
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
