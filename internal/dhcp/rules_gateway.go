package dhcp

import "net/netip"

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
//     is present too, the one later in the option list wins, so a 66
//     address sent after 150 takes 150's place, rule 4;
//  7. NVRAM: the address saved at an earlier boot.
func gatewaySteps(a Answer, l Local, resolve Resolver) []step {
	steps := []step{
		{rule: RuleCatalystLocal, has: addrField("the Catalyst 6000's local TFTP address", valid([]netip.Addr{l.Catalyst})),
			try: func() ([]netip.Addr, string, string) { return []netip.Addr{l.Catalyst.Unmap()}, "", "" }},
		{rule: RuleCiscoCM1, has: "the DNS name CiscoCM1", try: func() ([]netip.Addr, string, string) {
			if s := valid(resolve("CiscoCM1")); len(s) > 0 {
				return s, "CiscoCM1", ""
			}
			return nil, "", "the DNS name CiscoCM1 does not resolve, so the next rule applies"
		}},
		siaddrStep(a.Siaddr),
	}
	o150 := valid(a.Opt150)
	o66 := option66Step(a.Opt66, resolve)
	s150 := step{rule: RuleOption150, has: addrField("option 150", o150), try: func() ([]netip.Addr, string, string) {
		switch {
		case o66.has == "":
			return o150, "", ""
		case o66.rule == RuleOption66Name:
			return o150, "", "an IP address (option 150) is preferred over the name in option 66"
		}
		return o150, "", "option 66's address came before option 150 in the option list, and of the two (mutually exclusive) the later wins"
	}}
	sname := snameStep("gateways", a.Sname, resolve)
	if o66.rule == RuleOption66Addr && len(o150) > 0 && a.Opt66Last {
		try := o66.try
		o66.try = func() ([]netip.Addr, string, string) {
			s, name, note := try()
			if len(s) == 0 {
				return s, name, note
			}
			return s, name, "option 66's address came after option 150 in the option list, and of the two (mutually exclusive) the later wins"
		}
		steps = append(steps, o66, s150, sname)
	} else {
		steps = append(steps, s150, sname, o66)
	}
	return append(steps, nvramStep(l.NVRAM))
}
