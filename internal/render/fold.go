package render

import "cmtftp/internal/domain"

// The fixed parts of a requested name are matched ignoring ASCII case,
// without making a lower-case copy of the name: Resolve runs for every
// request, and phones send SEP<MAC> in capitals.

// defaultNames are the site-wide defaults, by name.
var defaultNames = []struct {
	name string
	kind Kind
}{
	{"xmldefault.cnf.xml", XMLDefaultFile},
	{"sepdefault.cnf", SEPDefaultFile},
	{"sipdefault.cnf", SIPDefaultFile},
	{"saadefault.cnf", SAADefaultFile},
	{"sdadefault.cnf", SDADefaultFile},
}

// foldEqual reports whether a and b are equal ignoring ASCII case.
func foldEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

// lowerASCII lower-cases an ASCII letter; any other byte is kept.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasPrefixFold reports whether s begins with prefix, ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && foldEqual(s[:len(prefix)], prefix)
}

// hasSuffixFold reports whether s ends with suffix, ignoring ASCII case.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && foldEqual(s[len(s)-len(suffix):], suffix)
}

// nameMAC reads the 12 hex digits of a MAC in a name: as they stand when
// they are already in canonical form (upper case), else normalized.
func nameMAC(s string) (string, bool) {
	if len(s) != 12 {
		return "", false
	}
	if canonicalHex(s) {
		return s, true
	}
	m, err := domain.ParseMAC(s)
	return m, err == nil
}

// canonicalHex reports whether s holds only 0-9 and A-F.
func canonicalHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// sepKey is the record key SEP<m> of a SEP<MAC> name n: n's own first 15
// bytes when they spell it already.
func sepKey(n, m string) string {
	if len(n) >= 15 && n[:3] == "SEP" && n[3:15] == m {
		return n[:15]
	}
	return "SEP" + m
}
