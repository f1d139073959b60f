package timeline

import "strings"

// MACOf returns the MAC a requested name carries, upper-case, or "".
func MACOf(name string) string {
	mac, ok := macOf(name)
	if !ok {
		return ""
	}
	return string(mac[:])
}

// MACNumber returns the 48-bit number that a MAC of 12 hex digits (either
// case, no separators) spells: the key the known-device predicate is
// asked with. ok is false for anything else.
func MACNumber(mac string) (n uint64, ok bool) {
	if len(mac) != 12 {
		return 0, false
	}
	for i := range 12 {
		d := hexUpper(mac[i])
		if d == 0 {
			return 0, false
		}
		n = n<<4 | uint64(hexValue(d))
	}
	return n, true
}

// macNumber is MACNumber of digits macOf found (upper-case hex).
func macNumber(mac [12]byte) (n uint64) {
	for _, d := range mac {
		n = n<<4 | uint64(hexValue(d))
	}
	return n
}

// macOf finds the MAC of a device-specific name — SEP, SIP, ld or gk,
// optionally after CTL, ITL or EXT_ITL, any case, then 12 hex digits and
// the end or a character that is not one — without allocating.
func macOf(name string) (mac [12]byte, ok bool) {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	for _, p := range [...]string{"ext_itl", "ctl", "itl"} {
		if len(name) >= len(p) && strings.EqualFold(name[:len(p)], p) {
			name = name[len(p):]
			break
		}
	}
	switch {
	case len(name) >= 3 && (strings.EqualFold(name[:3], "sep") || strings.EqualFold(name[:3], "sip")):
		name = name[3:]
	case len(name) >= 2 && (strings.EqualFold(name[:2], "ld") || strings.EqualFold(name[:2], "gk")):
		name = name[2:]
	default:
		return mac, false
	}
	if len(name) < 12 || len(name) > 12 && hexUpper(name[12]) != 0 {
		return mac, false
	}
	for i := range 12 {
		if mac[i] = hexUpper(name[i]); mac[i] == 0 {
			return mac, false
		}
	}
	return mac, true
}

// hexUpper returns c as an upper-case hex digit, or 0 when it is none.
func hexUpper(c byte) byte {
	switch {
	case '0' <= c && c <= '9', 'A' <= c && c <= 'F':
		return c
	case 'a' <= c && c <= 'f':
		return c - 'a' + 'A'
	}
	return 0
}

// hexValue is the value of an upper-case hex digit.
func hexValue(d byte) byte {
	if d <= '9' {
		return d - '0'
	}
	return d - 'A' + 10
}
