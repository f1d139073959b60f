package dhcp

import (
	"fmt"
	"net/netip"
	"strings"
)

// Discover returns the TFTP servers device d will use, in order, given
// what one DHCP answer held and what the device holds itself, and which
// rule chose them. Names are resolved through resolve (nil: no name
// resolves); a name that does not resolve makes its rule yield nothing,
// and the next rule applies. What the answer's Notes say is repeated in
// Why.
//
// Gateways follow gatewaySteps. Phones follow phoneV4Steps, or
// phoneV6Steps when the answer holds no DHCPv4 fields and either is a
// DHCPv6 one (Answer.V6) or holds DHCPv6 fields (V6Servers, V6Name); an
// answer holding both is read with the IPv4 rules and its DHCPv6 fields
// are reported as ignored.
//
// Each rule list yields addresses of its own family only: IPv4 for the
// gateways' and the phones' IPv4 rules, IPv6 for the phones' IPv6 rules
// (see family.usable); what is left out is named in Why.
func Discover(d Device, a Answer, l Local, resolve Resolver) Result {
	r := safeResolver(resolve)
	notes := append(ignoredNotes(d, a, l), a.Notes...)
	switch {
	case d == Gateway:
		return run("gateway", gatewaySteps(a, l, r), notes)
	case !hasV4(a) && (a.V6 || hasV6(a)):
		return run("phone (IPv6)", phoneV6Steps(a, l, r), notes)
	default:
		return run("phone", phoneV4Steps(a, l, r), notes)
	}
}

// ignoredNotes names what was given but does not apply to the device.
func ignoredNotes(d Device, a Answer, l Local) []string {
	var notes []string
	switch {
	case d == Gateway && len(valid(l.AltTFTP)) > 0:
		notes = append(notes, "the alternate TFTP setting is a phone's and does not apply to gateways")
	case d != Gateway && present(l.Catalyst):
		notes = append(notes, "the Catalyst 6000 local address is a gateway's setting and does not apply to phones")
	}
	switch {
	case d == Gateway && hasV6(a):
		notes = append(notes, "gateways do not use the DHCPv6 Cisco sub-options (the chapter lists them for phones only)")
	case d != Gateway && hasV6(a) && hasV4(a):
		notes = append(notes, "the DHCPv6 Cisco sub-options are ignored, as the answer also holds DHCPv4 TFTP fields and the IPv4 rules apply")
	}
	return notes
}

// step is one rule of a device's order of precedence.
type step struct {
	rule Rule
	// has describes what the source holds, for Why; "" when the source is
	// absent and the rule does not apply.
	has string
	// try gives the servers the rule yields (none: the next rule applies),
	// the name it resolved, and a note for Why: why it yielded nothing, or
	// what of the source it left out.
	try func() (servers []netip.Addr, name, note string)
}

// run applies steps in order: the first that yields servers wins.
func run(order string, steps []step, notes []string) Result {
	for i, s := range steps {
		if s.has == "" {
			continue
		}
		servers, name, note := s.try()
		if note != "" {
			notes = append(notes, note)
		}
		if len(servers) == 0 {
			continue
		}
		why := fmt.Sprintf("%s chosen (%s)", s.has, s.rule)
		var lost []string
		for _, o := range steps[i+1:] {
			if o.has != "" {
				lost = append(lost, o.has)
			}
		}
		if len(lost) > 0 {
			why += fmt.Sprintf("; it overrides, as lower in the %s order: %s", order, strings.Join(lost, ", "))
		}
		return Result{Servers: servers, Rule: s.rule, Name: name, Why: sentence(why, notes)}
	}
	why := "no TFTP server: nothing in the answer, the device's own settings or NVRAM names one the device can use"
	return Result{Servers: []netip.Addr{}, Rule: RuleNone, Why: sentence(why, notes)}
}

// sentence joins the verdict and the notes into one sentence.
func sentence(why string, notes []string) string {
	for _, n := range notes {
		why += "; " + n
	}
	return why + "."
}

// safeResolver wraps resolve so that a nil Resolver resolves nothing and
// invalid addresses are dropped.
func safeResolver(resolve Resolver) Resolver {
	return func(name string) []netip.Addr {
		if resolve == nil || name == "" {
			return nil
		}
		var out []netip.Addr
		for _, a := range resolve(name) {
			if a.IsValid() {
				out = append(out, a)
			}
		}
		return out
	}
}

func hasV4(a Answer) bool {
	return len(a.Opt150) > 0 || strings.TrimSpace(a.Opt66) != "" || present(a.Siaddr) || strings.TrimSpace(a.Sname) != ""
}

func hasV6(a Answer) bool {
	return len(a.V6Servers) > 0 || strings.TrimSpace(a.V6Name) != ""
}

// present reports whether an address field is set: zero and 0.0.0.0 (or
// ::) mean absent.
func present(a netip.Addr) bool {
	return a.IsValid() && !a.IsUnspecified()
}

// list formats addresses as "A, B".
func list(addrs []netip.Addr) string {
	s := make([]string, len(addrs))
	for i, a := range addrs {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// valid keeps the set addresses of addrs, unmapped, in order.
func valid(addrs []netip.Addr) []netip.Addr {
	var out []netip.Addr
	for _, a := range addrs {
		if present(a) {
			out = append(out, a.Unmap())
		}
	}
	return out
}

// firstTwo returns the first two of addrs and a note naming the rest,
// which phones do not use.
func firstTwo(what string, addrs []netip.Addr) ([]netip.Addr, string) {
	if len(addrs) <= 2 {
		return addrs, ""
	}
	return addrs[:2], fmt.Sprintf("phones use only the first two addresses of %s and leave out %s", what, list(addrs[2:]))
}

// asAddress reads s as an address ("10.0.0.1"); ok is false for a name.
func asAddress(s string) (a netip.Addr, ok bool) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// nameOrAddress is the rule for a field holding a name or an address
// (option 66, the DHCPv6 TFTP service name): an address is used as is, a
// name is resolved and may give several addresses; either way only
// addresses of family f are used.
func nameOrAddress(what, v string, f family, resolve Resolver) ([]netip.Addr, string, string) {
	if a, ok := asAddress(v); ok {
		if !present(a) {
			return nil, "", fmt.Sprintf("%s holds the unspecified address %s, which names no server", what, a)
		}
		kept, note := f.usable(what+" holds", []netip.Addr{a})
		return kept, "", note
	}
	return resolveName(what, v, f, resolve)
}

// resolveName resolves the name held by what, keeping the addresses of
// family f.
func resolveName(what, name string, f family, resolve Resolver) ([]netip.Addr, string, string) {
	name = strings.TrimSpace(name)
	addrs, note := f.lookup(fmt.Sprintf("%s name %q", what, name), name, resolve)
	if len(addrs) == 0 {
		return nil, "", note
	}
	return addrs, name, note
}

// textField describes a field holding text.
func textField(what, v string) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	return fmt.Sprintf("%s %q", what, strings.TrimSpace(v))
}

// addrField describes a field holding addresses.
func addrField(what string, a []netip.Addr) string {
	if len(a) == 0 {
		return ""
	}
	return fmt.Sprintf("%s (%s)", what, list(a))
}
