package domain

import (
	"fmt"
	"strings"
)

// ParseMAC normalises a MAC address to 12 upper-case hex digits. It accepts
// bare hex and the usual separators: "00:11:22:aa:bb:cc", "00-11-22-AA-BB-CC",
// "0011.22aa.bbcc".
func ParseMAC(s string) (string, error) {
	var b strings.Builder
	b.Grow(12)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'F':
			b.WriteByte(c)
		case c >= 'a' && c <= 'f':
			b.WriteByte(c - 'a' + 'A')
		case c == ':' || c == '-' || c == '.':
		default:
			return "", fmt.Errorf("invalid MAC %q: %q is not a hex digit", s, c)
		}
		if b.Len() > 12 {
			return "", fmt.Errorf("invalid MAC %q: more than 12 hex digits", s)
		}
	}
	if b.Len() != 12 {
		return "", fmt.Errorf("invalid MAC %q: %d hex digits, want 12", s, b.Len())
	}
	if !validSeparators(s) {
		return "", fmt.Errorf("invalid MAC %q: separators must group the digits in pairs or fours", s)
	}
	return b.String(), nil
}

// validSeparators accepts no separators, one separator between every pair
// (aa:bb:…) or between every group of four (aabb.ccdd.eeff).
func validSeparators(s string) bool {
	if len(s) == 12 {
		return true
	}
	switch len(s) {
	case 17:
		sep := s[2]
		for i := 2; i < 17; i += 3 {
			if s[i] != sep {
				return false
			}
		}
		return true
	case 14:
		return s[4] == s[9] && (s[4] == '.' || s[4] == '-' || s[4] == ':')
	}
	return false
}
