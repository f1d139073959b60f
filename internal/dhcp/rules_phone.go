package dhcp

import (
	"fmt"
	"net/netip"
)

// phoneV4Steps is the phones' order of precedence on IPv4 (method 1
// first):
//
//  1. alternate TFTP = Yes: TFTP Server 1 and 2 set on the phone override
//     any TFTP address from DHCP;
//  2. option 150: only the first two addresses are used;
//  3. option 66: a dotted address is used as is; a name is resolved and
//     may give several addresses;
//  4. siaddr (next-server);
//  5. sname: a DNS name only, resolved; a dotted address there is not
//     used;
//  6. NVRAM: the address saved at an earlier boot, when none of the
//     above is available now.
func phoneV4Steps(a Answer, l Local, resolve Resolver) []step {
	return []step{
		altStep(l),
		limitedStep(RuleOption150, "option 150", valid(a.Opt150)),
		option66Step(a.Opt66, resolve),
		siaddrStep(a.Siaddr),
		snameStep("phones", a.Sname, resolve),
		nvramStep(l.NVRAM),
	}
}

// phoneV6Steps is the phones' order of precedence on IPv6:
//
//  1. alternate TFTP = Yes, as on IPv4;
//  2. Cisco vendor sub-option 1, TFTP server addresses (the equivalent of
//     option 150: the first two are used);
//  3. Cisco vendor sub-option 2, TFTP service (the equivalent of option
//     66: an address is used as is, a name is resolved);
//  4. NVRAM.
func phoneV6Steps(a Answer, l Local, resolve Resolver) []step {
	return []step{
		altStep(l),
		limitedStep(RuleV6Sub1, "DHCPv6 Cisco sub-option 1", valid(a.V6Servers)),
		{rule: RuleV6Sub2, has: textField("DHCPv6 Cisco sub-option 2", a.V6Name), try: func() ([]netip.Addr, string, string) {
			return nameOrAddress("DHCPv6 Cisco sub-option 2", a.V6Name, resolve)
		}},
		nvramStep(l.NVRAM),
	}
}

// altStep is a phone's Alternate TFTP = Yes.
func altStep(l Local) step {
	return limitedStep(RuleAltTFTP, "the phone's alternate TFTP servers", valid(l.AltTFTP))
}

// limitedStep is a rule giving addresses of which a phone uses two.
func limitedStep(rule Rule, what string, addrs []netip.Addr) step {
	return step{rule: rule, has: addrField(what, addrs), try: func() ([]netip.Addr, string, string) {
		s, note := firstTwo(what, addrs)
		return s, "", note
	}}
}

// option66Step is option 66: a dotted address or a name.
func option66Step(v string, resolve Resolver) step {
	rule := RuleOption66Name
	if _, ok := asAddress(v); ok {
		rule = RuleOption66Addr
	}
	return step{rule: rule, has: textField("option 66", v), try: func() ([]netip.Addr, string, string) {
		return nameOrAddress("option 66", v, resolve)
	}}
}

// siaddrStep is the header's next-server field.
func siaddrStep(a netip.Addr) step {
	has := ""
	if present(a) {
		has = "siaddr " + a.Unmap().String()
	}
	return step{rule: RuleSiaddr, has: has, try: func() ([]netip.Addr, string, string) {
		return []netip.Addr{a.Unmap()}, "", ""
	}}
}

// snameStep is the header's sname field, which holds a host name only:
// "do not use a dotted decimal IP address".
func snameStep(who, v string, resolve Resolver) step {
	return step{rule: RuleSname, has: textField("sname", v), try: func() ([]netip.Addr, string, string) {
		if _, ok := asAddress(v); ok {
			return nil, "", fmt.Sprintf("sname holds a dotted address, which %s do not use (sname must be a host name)", who)
		}
		return resolveName("sname", v, resolve)
	}}
}

// nvramStep is the address saved at an earlier boot.
func nvramStep(saved []netip.Addr) step {
	s := valid(saved)
	return step{rule: RuleNVRAM, has: addrField("the address saved in NVRAM", s), try: func() ([]netip.Addr, string, string) {
		return s, "", "no other method is available now, so the device uses the address saved at an earlier boot"
	}}
}
