package guard

// DeviceName reports whether a requested path names one device's file:
// its base name (after the last '/' or '\') starts, in any case, with
// SEP, SIP, ld or gk — optionally after CTL, ITL or EXT_ITL — followed by
// 12 hex digits and then the end or a character that is not a hex digit
// (SEP<MAC>.cnf.xml, SEP<MAC>.cnf.xml.sgn, ld<mac>, CTLSEP<MAC>.tlv …).
// SEPDefault.cnf and loads are not device names. It does not allocate.
func DeviceName(path string) bool {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' || path[i] == '\\' {
			path = path[i+1:]
			break
		}
	}
	for _, p := range [...]string{"ext_itl", "ctl", "itl"} {
		if hasPrefixFold(path, p) {
			path = path[len(p):]
			break
		}
	}
	switch {
	case hasPrefixFold(path, "sep"), hasPrefixFold(path, "sip"):
		path = path[3:]
	case hasPrefixFold(path, "ld"), hasPrefixFold(path, "gk"):
		path = path[2:]
	default:
		return false
	}
	if len(path) < 12 {
		return false
	}
	for i := range 12 {
		if !isHex(path[i]) {
			return false
		}
	}
	return len(path) == 12 || !isHex(path[12])
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// hasPrefixFold is strings.HasPrefix for a lower-case ASCII prefix,
// ignoring the case of s.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := range len(prefix) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}
