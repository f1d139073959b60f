package dhcp

import (
	"fmt"
	"net/netip"
	"strings"
)

// gatewaySteps is the gateways' order of precedence (method 1 first):
//
//  1. a Catalyst 6000 gateway's locally configured TFTP address overrides
//     any TFTP address from DHCP;
//  2. the DNS name CiscoCM1: the gateway always tries to resolve it, and
//     when it resolves it overrides all the DHCP server sent;
//  3. siaddr (next-server);
//  4. option 150, every address in order (the two-address limit is
//     stated for phones only);
//  5. sname: a host name only, resolved; a dotted address is not used;
//  6. option 66, a name or a dotted address. Options 66 and 150 are
//     mutually exclusive: an IP address is preferred over a name in 66,
//     so 150 wins over a 66 name; when 66 holds a dotted address and 150
//     is present too (sent, whatever it holds), the one later in the
//     option list wins, so a 66 address sent after 150 takes 150's
//     place, rule 4. A 66 address
//     the gateway cannot use (0.0.0.0) contends with nothing. When the
//     order is not known (Answer.Opt66Last and Opt150Last both false),
//     150 is taken as the later, and Why says so;
//  7. NVRAM: the address saved at an earlier boot.
//
// Gateways follow these rules on IPv4 only (the chapter gives the DHCPv6
// sub-options for phones only), and every rule yields IPv4 addresses
// only.
func gatewaySteps(a Answer, l Local, resolve Resolver) []step {
	cat := []netip.Addr{l.Catalyst}
	steps := []step{
		{rule: RuleCatalystLocal, has: addrField("the Catalyst 6000's local TFTP address", valid(cat)),
			try: func() ([]netip.Addr, string, string) {
				s, note := ipv4.usable("the Catalyst 6000's local TFTP address holds", cat)
				return s, "", note
			}},
		{rule: RuleCiscoCM1, has: "the DNS name CiscoCM1", try: func() ([]netip.Addr, string, string) {
			s, note := ipv4.lookup("the DNS name CiscoCM1", "CiscoCM1", resolve)
			if len(s) == 0 {
				return nil, "", note
			}
			return s, "CiscoCM1", note
		}},
		siaddrStep(a.Siaddr),
	}
	o150, left := ipv4.usable("option 150 holds", a.Opt150)
	o66 := option66Step(a.Opt66, ipv4, resolve)
	note := note150(a, o66)
	s150 := step{rule: RuleOption150, has: addrField("option 150", valid(a.Opt150)), try: func() ([]netip.Addr, string, string) {
		if len(o150) == 0 {
			return nil, "", left
		}
		return o150, "", joinNotes(left, note)
	}}
	sname := snameStep("gateways", a.Sname, resolve)
	// The later of 66 and 150 wins whenever both were sent, even a 150
	// that holds nothing usable.
	if u := usable66(a.Opt66); u.IsValid() && len(a.Opt150) > 0 && order66(a) == opt66Last {
		o66.try = func() ([]netip.Addr, string, string) {
			return []netip.Addr{u}, "", "option 66's address came after option 150 in the option list, and of the two (mutually exclusive) the later wins"
		}
		steps = append(steps, o66, s150, sname)
	} else {
		steps = append(steps, s150, sname, o66)
	}
	return append(steps, nvramStep(l.NVRAM, ipv4))
}

// note150 is what option 150 says of option 66 when it wins over it; ""
// when 66 is absent, or when 66 holds an address the gateway uses and
// came later, so that 66 goes first.
func note150(a Answer, o66 step) string {
	switch {
	case o66.has == "":
		return ""
	case o66.rule == RuleOption66Name:
		return "an IP address (option 150) is preferred over the name in option 66"
	case !usable66(a.Opt66).IsValid():
		return fmt.Sprintf("option 66 holds no address a gateway can use (%q), so it does not contend with option 150 whatever the option order", strings.TrimSpace(a.Opt66))
	}
	switch order66(a) {
	case opt150Last:
		return "option 66's address came before option 150 in the option list, and of the two (mutually exclusive) the later wins"
	case opt66Last:
		return ""
	}
	return "option 66 holds an address too, and of the two (mutually exclusive) the later in the option list wins; the option order is not known, so option 150 is taken as the later (option order: 150 last unless told otherwise)"
}

// usable66 is the address option 66 holds that a gateway uses; the zero
// Addr for a name, or for an address that names no server or is not
// IPv4.
func usable66(v string) netip.Addr {
	a, ok := asAddress(v)
	if !ok {
		return netip.Addr{}
	}
	if s, _ := ipv4.usable("", []netip.Addr{a}); len(s) == 1 {
		return s[0]
	}
	return netip.Addr{}
}

// optOrder is which of options 66 and 150 came later in the option list.
type optOrder int

const (
	orderUnknown optOrder = iota
	opt66Last
	opt150Last
)

// order66 reads the order from the answer: unknown unless exactly one of
// Opt66Last and Opt150Last is set.
func order66(a Answer) optOrder {
	switch {
	case a.Opt66Last == a.Opt150Last:
		return orderUnknown
	case a.Opt66Last:
		return opt66Last
	}
	return opt150Last
}
