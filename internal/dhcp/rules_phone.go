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
//
// Every rule yields IPv4 addresses only.
func phoneV4Steps(a Answer, l Local, resolve Resolver) []step {
	return []step{
		altStep(l, ipv4),
		limitedStep(RuleOption150, "option 150", ipv4, a.Opt150),
		option66Step(a.Opt66, ipv4, resolve),
		siaddrStep(a.Siaddr),
		snameStep("phones", a.Sname, resolve),
		nvramStep(l.NVRAM, ipv4),
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
//
// Every rule yields IPv6 addresses only.
func phoneV6Steps(a Answer, l Local, resolve Resolver) []step {
	return []step{
		altStep(l, ipv6),
		limitedStep(RuleV6Sub1, "DHCPv6 Cisco sub-option 1", ipv6, a.V6Servers),
		{rule: RuleV6Sub2, has: textField("DHCPv6 Cisco sub-option 2", a.V6Name), try: func() ([]netip.Addr, string, string) {
			return nameOrAddress("DHCPv6 Cisco sub-option 2", a.V6Name, ipv6, resolve)
		}},
		nvramStep(l.NVRAM, ipv6),
	}
}

// altStep is a phone's Alternate TFTP = Yes, its servers of family f.
func altStep(l Local, f family) step {
	return limitedStep(RuleAltTFTP, "the phone's alternate TFTP servers", f, l.AltTFTP)
}

// limitedStep is a rule giving addresses of which a phone uses two: the
// first two of family f.
func limitedStep(rule Rule, what string, f family, addrs []netip.Addr) step {
	return step{rule: rule, has: addrField(what, valid(addrs)), try: func() ([]netip.Addr, string, string) {
		verb := " holds"
		if rule == RuleAltTFTP {
			verb = " hold"
		}
		kept, left := f.usable(what+verb, addrs)
		s, note := firstTwo(what, kept)
		return s, "", joinNotes(left, note)
	}}
}

// option66Step is option 66: a dotted address or a name, giving addresses
// of family f.
func option66Step(v string, f family, resolve Resolver) step {
	rule := RuleOption66Name
	if _, ok := asAddress(v); ok {
		rule = RuleOption66Addr
	}
	return step{rule: rule, has: textField("option 66", v), try: func() ([]netip.Addr, string, string) {
		return nameOrAddress("option 66", v, f, resolve)
	}}
}

// siaddrStep is the header's next-server field, an IPv4 address.
func siaddrStep(a netip.Addr) step {
	has := ""
	if present(a) {
		has = "siaddr " + a.Unmap().String()
	}
	return step{rule: RuleSiaddr, has: has, try: func() ([]netip.Addr, string, string) {
		s, note := ipv4.usable("siaddr holds", []netip.Addr{a})
		return s, "", note
	}}
}

// snameStep is the header's sname field, which holds a host name only:
// "do not use a dotted decimal IP address". The name's IPv4 addresses are
// used.
func snameStep(who, v string, resolve Resolver) step {
	return step{rule: RuleSname, has: textField("sname", v), try: func() ([]netip.Addr, string, string) {
		if _, ok := asAddress(v); ok {
			return nil, "", fmt.Sprintf("sname holds a dotted address, which %s do not use (sname must be a host name)", who)
		}
		return resolveName("sname", v, ipv4, resolve)
	}}
}

// nvramStep is the address saved at an earlier boot, those of family f.
func nvramStep(saved []netip.Addr, f family) step {
	return step{rule: RuleNVRAM, has: addrField("the address saved in NVRAM", valid(saved)), try: func() ([]netip.Addr, string, string) {
		s, note := f.usable("the address saved in NVRAM holds", saved)
		if len(s) == 0 {
			return nil, "", note
		}
		return s, "", joinNotes(note, "no other method is available now, so the device uses the address saved at an earlier boot")
	}}
}
