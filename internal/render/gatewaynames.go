package render

import (
	"cmtftp/internal/domain"
	"strings"
)

// resolveGateway resolves the names only gateways ask for, by the shape
// of the name (domain.GatewayNameShape): SKIGW<tail>.cnf.xml,
// AN<tail><port id>.cnf.xml, ATA<MAC>.cnf.xml, ata<mac>, and
// <hostname>.cnf.xml for a stem of no special shape that is a host name
// (no dial plan or softkey template is named x.cnf, so plan.cnf.xml,
// DRx.cnf.xml and SKx.cnf.xml are never theirs: domain refuses the names).
// n is the name, matched case-insensitively in its fixed parts. It
// allocates only the key of a MAC-carrying name.
func resolveGateway(n string) (Kind, string, bool) {
	if hasPrefixFold(n, "ata") && domain.GatewayNameShape(n) == domain.ShapeATA {
		return ATATextFile, domain.PrefixATA + strings.ToUpper(n[3:]), true
	}
	if !hasSuffixFold(n, ".cnf.xml") {
		return 0, "", false
	}
	stem := n[:len(n)-8]
	switch domain.GatewayNameShape(stem) {
	case domain.ShapeSKIGW:
		return SKIGWFile, gatewayKey(stem), true
	case domain.ShapeANPort:
		return PortFile, domain.PrefixSKIGW + strings.ToUpper(stem[2:12]), true
	case domain.ShapeATA:
		return ATAXMLFile, gatewayKey(stem), true
	case domain.ShapePlain:
		if hostName(stem) {
			return MGCPFile, stem, true
		}
	}
	return 0, "", false // another family's shape (SEP<MAC>, SAA<MAC> …), or no host name
}

// gatewayKey is the record name a <name>.cnf (or a MAC-carrying
// <name>.cnf.xml) is asked by: the name, with the fixed part and the MAC
// of a MAC-carrying name (SAA, SDA, ATA + 12 hex digits, SKIGW + 10) in
// upper case, as gateways are named.
func gatewayKey(stem string) string {
	switch domain.GatewayNameShape(stem) {
	case domain.ShapeSAA, domain.ShapeSDA, domain.ShapeATA, domain.ShapeSKIGW:
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

func isUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return false
		}
	}
	return true
}
