package domain

import (
	"strconv"
	"strings"
)

// NameShape is the file-name shape of a name (a gateway's, or the stem of
// a file asked for): which family's file a request for it is.
type NameShape int

// The name shapes GatewayNameShape tells apart. Every shape but ShapePlain
// belongs to one family's files (or a phone's, or a shared file), so only
// the family it belongs to may carry it.
const (
	ShapePlain   NameShape = iota // any other name: a host name, an Analog Access or Voice Mail Port name
	ShapeSKIGW                    // SKIGW + 10 hex digits: an SCCP gateway
	ShapeANPort                   // AN + 10 hex digits + 3 digits: a port of an SCCP gateway
	ShapeATA                      // ATA + 12 hex digits: an ATA (or an ATA 190's port 2)
	ShapeSAA                      // SAA + 12 hex digits: a WS-X6624
	ShapeSDA                      // SDA + 12 hex digits: a WS-X6608
	ShapePhone                    // SEP or SIP + 12 hex digits: a phone
	ShapeDefault                  // a shared file's stem: XMLDefault, SEPDefault, SIPDefault, SAADefault, SDADefault
)

// sharedStems are the stems of the shared default files, in upper case.
var sharedStems = [...]string{"XMLDEFAULT", "SEPDEFAULT", "SIPDEFAULT", "SAADEFAULT", "SDADEFAULT"}

// GatewayNameShape returns the shape of name, the fixed parts and hex
// digits compared regardless of case. Domain checks (a gateway's name
// must have its family's shape) and render's Resolve (a requested stem of
// a gateway family's shape is that family's file) share it.
func GatewayNameShape(name string) NameShape {
	has := func(p string, n int) bool {
		return len(name) == len(p)+n && strings.EqualFold(name[:len(p)], p) && hexDigits(name[len(p):])
	}
	switch {
	case has(PrefixSKIGW, 10):
		return ShapeSKIGW
	case len(name) == 15 && strings.EqualFold(name[:2], PrefixAN) && hexDigits(name[2:12]) && decDigits(name[12:]):
		return ShapeANPort
	case has(PrefixATA, 12):
		return ShapeATA
	case has(PrefixSAA, 12):
		return ShapeSAA
	case has(PrefixSDA, 12):
		return ShapeSDA
	case has("SEP", 12) || has("SIP", 12):
		return ShapePhone
	}
	for _, s := range sharedStems {
		if strings.EqualFold(name, s) {
			return ShapeDefault
		}
	}
	return ShapePlain
}

func decDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// MaxDialPeer is the largest dial-peer tag IOS takes (dial-peer voice
// 1–2147483647).
const MaxDialPeer = 2147483647

// DialPeer is the dial-peer tag of an MGCP gateway's endpoint e: the
// prefix (dialPeerPrefix), the unit, the subunit and the port in two
// digits (three for ports 100–199). CheckGateway refuses a gateway one of
// whose tags is above MaxDialPeer.
func DialPeer(prefix string, e GatewayEndpoint) string {
	return prefix + strconv.Itoa(e.Unit) + strconv.Itoa(e.Subunit) + twoDigits(e.Port)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// dialPeerFits reports whether the tag fits IOS's range.
func dialPeerFits(tag string) bool {
	n, err := strconv.ParseInt(tag, 10, 64)
	return err == nil && n >= 1 && n <= MaxDialPeer
}

// LineNumberOK reports whether s is a directory number as the domain takes
// one (a line's number, an endpoint's line): what a device reading a
// rendered file must accept.
func LineNumberOK(s string) bool { return lineNum.MatchString(s) }
