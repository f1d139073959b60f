package timeline

import (
	"cmtftp/internal/domain"
	"strings"
)

// Gateways are keyed by their file names, in the same 64-bit space as
// MACs (which use 48 bits): a name carrying a MAC (ATA<MAC>, ata<mac>,
// SAA<MAC>, SDA<MAC>) by the MAC; an SCCP gateway's SKIGW<tail> and its
// ports' AN<tail><id> by tailTag and the 10 hex digits they share, so one
// timeline holds the gateway's boot and every port's; a gateway named by
// its host (<hostname>.cnf.xml, <name>.cnf) by hostTag and a 48-bit hash
// of the name in any case. An ATA 190's second port (ATA<shifted MAC>) is
// keyed by that name's digits, as the device it is.
const (
	tailTag = 1 << 48
	hostTag = 2 << 48
)

// GatewayKey returns the timeline key of the gateway record named name:
// what Of and the known-device predicate take for it.
func GatewayKey(name string) (uint64, bool) {
	if k, ok := gatewayFileKey(name); ok {
		return k, true
	}
	if name == "" || strings.ContainsAny(name, "/\\") {
		return 0, false
	}
	return hostTag | hash48(name), true
}

// gatewayFileKey returns the key of a gateway's file (or record) name
// that carries a MAC or a MAC's tail; ok is false for other names.
func gatewayFileKey(name string) (uint64, bool) {
	switch {
	case prefixFold(name, "SKIGW") && hexRun(name[5:], 10):
		return tailTag | tailNumber(name[5:15]), true
	case prefixFold(name, "AN") && hexRun(name[2:], 10) && len(name) >= 15 && digitRun(name[12:15]) &&
		(len(name) == 15 || strings.EqualFold(name[15:], ".cnf.xml")):
		return tailTag | tailNumber(name[2:12]), true
	}
	for _, p := range [...]string{"ATA", "SAA", "SDA"} {
		if prefixFold(name, p) && hexRun(name[3:], 12) && (len(name) == 15 || name[15] == '.') {
			n, _ := MACNumber(name[3:15])
			return n, true
		}
	}
	return 0, false
}

// hostFileKey returns the key of a host-named gateway's file:
// <host>.cnf.xml or <name>.cnf, when the name is none of the shared
// files (XMLDefault.cnf.xml, SEPDefault.cnf …) and none that macOf or
// gatewayFileKey knows.
func hostFileKey(name string) (uint64, bool) {
	var stem string
	switch {
	case suffixFold(name, ".cnf.xml"):
		stem = name[:len(name)-len(".cnf.xml")]
	case suffixFold(name, ".cnf"):
		stem = name[:len(name)-len(".cnf")]
	default:
		return 0, false
	}
	if stem == "" || strings.ContainsAny(stem, "/\\") || domain.GatewayNameShape(stem) == domain.ShapeDefault {
		return 0, false
	}
	return hostTag | hash48(stem), true
}

// hash48 is FNV-1a of s in upper case, folded to 48 bits, allocating
// nothing.
func hash48(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	return (h ^ h>>48) & (1<<48 - 1)
}

// tailNumber is the number 10 hex digits spell.
func tailNumber(s string) (n uint64) {
	for i := 0; i < 10; i++ {
		n = n<<4 | uint64(hexValue(hexUpper(s[i])))
	}
	return n
}

// hexRun reports whether s begins with n hex digits.
func hexRun(s string, n int) bool {
	if len(s) < n {
		return false
	}
	for i := 0; i < n; i++ {
		if hexUpper(s[i]) == 0 {
			return false
		}
	}
	return true
}

func digitRun(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func prefixFold(s, p string) bool { return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) }
func suffixFold(s, p string) bool { return len(s) >= len(p) && strings.EqualFold(s[len(s)-len(p):], p) }
