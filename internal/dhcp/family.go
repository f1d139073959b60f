package dhcp

import (
	"fmt"
	"net/netip"
	"strings"
)

// family is the address family a rule list yields. The IPv4 rules (a
// phone's on IPv4, a gateway's) use IPv4 addresses only; the phone's
// IPv6 rules, IPv6 addresses only. Every source is read so, the device's
// own settings (alternate TFTP, NVRAM) among them: a phone keeps its
// IPv4 and IPv6 TFTP settings apart and uses those of the family it
// runs.
type family int

const (
	ipv4 family = iota
	ipv6
)

// String returns "IPv4" or "IPv6".
func (f family) String() string {
	if f == ipv6 {
		return "IPv6"
	}
	return "IPv4"
}

// usable keeps the addresses of addrs a device following the rules of
// family f uses, in order: set (not 0.0.0.0 or ::), unmapped (an
// IPv4-mapped ::ffff:a.b.c.d is the IPv4 address it holds), of family f,
// and without a zone: a zone (fe80::1%eth0) names an interface of one
// host, which a server address handed out or saved cannot name for the
// device. A link-local address without a zone is kept; the device dials
// it on its own interface.
//
// note names what was left out and why, beginning with source ("option
// 150 holds"), and ends "so the next rule applies" when nothing is kept;
// it is "" when nothing set was left out.
func (f family) usable(source string, addrs []netip.Addr) (kept []netip.Addr, note string) {
	var other, zoned []netip.Addr
	for _, a := range addrs {
		switch a = a.Unmap(); {
		case !present(a):
		case a.Is4() != (f == ipv4):
			other = append(other, a)
		case a.Zone() != "":
			zoned = append(zoned, a)
		default:
			kept = append(kept, a)
		}
	}
	var why []string
	if len(other) > 0 {
		why = append(why, fmt.Sprintf("%s %s, left out as the %v rules use %v addresses only", source, list(other), f, f))
		if f == ipv6 {
			why[0] += " (an IPv4-mapped ::ffff:a.b.c.d counts as IPv4)"
		}
	}
	if len(zoned) > 0 {
		why = append(why, fmt.Sprintf("%s %s, left out as a zone names an interface of one host, not the device's", source, list(zoned)))
	}
	if len(why) > 0 && len(kept) == 0 {
		why[len(why)-1] += ", so the next rule applies"
	}
	return kept, strings.Join(why, "; ")
}

// lookup resolves name, described as what ("option 66 name \"x\"", "the
// DNS name CiscoCM1"), and keeps the addresses of family f.
func (f family) lookup(what, name string, resolve Resolver) ([]netip.Addr, string) {
	addrs := valid(resolve(name))
	if len(addrs) == 0 {
		return nil, what + " does not resolve, so the next rule applies"
	}
	return f.usable(what+" resolves to", addrs)
}

// joinNotes joins the notes that are not "".
func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, "; ")
}
