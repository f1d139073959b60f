package render

import (
	"cmtftp/internal/domain"
	"strings"
)

// resolveGateway resolves the names only gateways ask for: SKIGW<tail>.cnf.xml,
// AN<tail><port id>.cnf.xml, ATA<MAC>.cnf.xml, ata<mac> and
// <hostname>.cnf.xml (any host name not of the shape of another
// family's). n is the name, lower the same in lower case. It allocates
// only the key of a MAC-carrying name.
func resolveGateway(n, lower string) (Kind, string, bool) {
	if len(n) == 15 && strings.HasPrefix(lower, "ata") && hexString(n[3:]) {
		return ATATextFile, domain.PrefixATA + strings.ToUpper(n[3:]), true
	}
	if !strings.HasSuffix(lower, ".cnf.xml") {
		return 0, "", false
	}
	stem, ls := n[:len(n)-8], lower[:len(lower)-8]
	if len(stem) == 15 {
		switch {
		case strings.HasPrefix(ls, "skigw") && hexString(stem[5:]):
			return SKIGWFile, domain.PrefixSKIGW + strings.ToUpper(stem[5:]), true
		case strings.HasPrefix(ls, "an") && hexString(stem[2:12]) && digits(stem[12:]):
			return PortFile, domain.PrefixSKIGW + strings.ToUpper(stem[2:12]), true
		case strings.HasPrefix(ls, "ata") && hexString(stem[3:]):
			return ATAXMLFile, domain.PrefixATA + strings.ToUpper(stem[3:]), true
		case strings.HasPrefix(ls, "sep") || strings.HasPrefix(ls, "skigw") || strings.HasPrefix(ls, "an") ||
			strings.HasPrefix(ls, "ata"):
			return 0, "", false // another family's shape, not a host name
		}
	}
	if ls == "xmldefault" || !hostName(stem) {
		return 0, "", false
	}
	return MGCPFile, stem, true
}

// gatewayKey is the record name a <name>.cnf is asked by: the name, with
// the fixed part and the MAC of a MAC-carrying name (SAA, SDA, ATA + 12
// hex digits, SKIGW + 10) in upper case, as gateways are named.
func gatewayKey(stem string) string {
	up := func(p string, n int) bool {
		return len(stem) == len(p)+n && strings.EqualFold(stem[:len(p)], p) && hexString(stem[len(p):])
	}
	if up(domain.PrefixSAA, 12) || up(domain.PrefixSDA, 12) || up(domain.PrefixATA, 12) || up(domain.PrefixSKIGW, 10) {
		if !isUpper(stem) {
			return strings.ToUpper(stem)
		}
	}
	return stem
}

// hostName reports whether s is a host name an MGCP gateway may be named
// by: labels of letters, digits and '-' (not at either end), joined by
// '.', an optional final '.', at most 50 characters (a file-safe name).
func hostName(s string) bool {
	if s == "" || len(s) > 50 {
		return false
	}
	if s = strings.TrimSuffix(s, "."); s == "" {
		return false
	}
	for s != "" {
		label, rest, more := strings.Cut(s, ".")
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i] | 0x20
			if (c < 'a' || c > 'z') && (label[i] < '0' || label[i] > '9') && label[i] != '-' {
				return false
			}
		}
		if more && rest == "" {
			return false
		}
		s = rest
	}
	return true
}

func hexString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if (s[i] < '0' || s[i] > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return s != ""
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return false
		}
	}
	return true
}
