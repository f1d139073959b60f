package dhcp_test

import (
	"net/netip"
	"testing"

	"cmtftp/internal/dhcp"
)

// TestPhoneRules has one case per sentence of the chapter's list for
// Cisco Unified IP Phones (IPv4), "Identify the TFTP server for devices".
func TestPhoneRules(t *testing.T) {
	full := dhcp.Answer{
		Opt150: ips(t, "10.0.0.1,10.0.0.2"), Opt66: "tftp.example",
		Siaddr: netip.MustParseAddr("10.0.0.9"), Sname: "boot.example",
	}
	runDiscover(t, dhcp.Phone, []discoverCase{
		{name: "alternate TFTP set to Yes: TFTP Server 1 and 2 override any TFTP address DHCP sent",
			a: full, l: dhcp.Local{AltTFTP: ips(t, "10.5.5.1,10.5.5.2"), NVRAM: ips(t, "10.7.7.7")},
			servers: "10.5.5.1,10.5.5.2", rule: dhcp.RuleAltTFTP, lookups: "none",
			why: []string{"the phone's alternate TFTP servers (10.5.5.1, 10.5.5.2) chosen", "option 150 (10.0.0.1, 10.0.0.2)", `option 66 "tftp.example"`, "siaddr 10.0.0.9", `sname "boot.example"`, "NVRAM (10.7.7.7)"}},
		{name: "alternate TFTP set to Yes with TFTP Server 1 only",
			a: full, l: dhcp.Local{AltTFTP: ips(t, "10.5.5.1")},
			servers: "10.5.5.1", rule: dhcp.RuleAltTFTP},
		{name: "option 150 is used when Alternate TFTP is No, over option 66, siaddr and sname",
			a: full, servers: "10.0.0.1,10.0.0.2", rule: dhcp.RuleOption150, lookups: "none",
			why: []string{"option 150 (10.0.0.1, 10.0.0.2) chosen", `lower in the phone order: option 66 "tftp.example", siaddr 10.0.0.9, sname "boot.example"`}},
		{name: "option 150 holds only IP addresses; a maximum of two are used, the first two",
			a:       dhcp.Answer{Opt150: ips(t, "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4")},
			servers: "10.0.0.1,10.0.0.2", rule: dhcp.RuleOption150,
			why: []string{"only the first two addresses of option 150", "leave out 10.0.0.3, 10.0.0.4"}},
		{name: "an option 150 entry of 0.0.0.0 is no server (fuzz crasher)",
			a: dhcp.Answer{Opt150: ips(t, "0.0.0.0,10.0.0.1,10.0.0.2")}, servers: "10.0.0.1,10.0.0.2", rule: dhcp.RuleOption150},
		{name: "phones put option 150 before option 66 whatever the option order",
			a:       dhcp.Answer{Opt150: ips(t, "10.0.0.1"), Opt66: "10.0.0.66", Opt66Last: true},
			servers: "10.0.0.1", rule: dhcp.RuleOption150, why: []string{`option 66 "10.0.0.66"`}},
		{name: "option 66 may be a DNS name of the TFTP server",
			a:       dhcp.Answer{Opt66: "tftp.example", Siaddr: netip.MustParseAddr("10.0.0.9")},
			servers: "10.1.1.1", rule: dhcp.RuleOption66Name, resolve: "tftp.example", lookups: "tftp.example",
			why: []string{`option 66 "tftp.example" chosen`, "siaddr 10.0.0.9"}},
		{name: "option 66 may be a dotted-decimal IP address of the TFTP server",
			a:       dhcp.Answer{Opt66: "10.0.0.66", Sname: "boot.example"},
			servers: "10.0.0.66", rule: dhcp.RuleOption66Addr, lookups: "none"},
		{name: "the option 66 name may resolve to more than one address",
			a:       dhcp.Answer{Opt66: "tftp-rr.example"},
			servers: "10.1.1.1,10.1.1.2,10.1.1.3", rule: dhcp.RuleOption66Name, resolve: "tftp-rr.example"},
		{name: "multiple entries cannot be used in option 66: the list is one name, which does not resolve",
			a:       dhcp.Answer{Opt66: "10.0.0.66,10.0.0.67", Siaddr: netip.MustParseAddr("10.0.0.9")},
			servers: "10.0.0.9", rule: dhcp.RuleSiaddr,
			why: []string{`option 66 name "10.0.0.66,10.0.0.67" does not resolve, so the next rule applies`}},
		{name: "an option 66 name that does not resolve gives way to the next rule",
			a:       dhcp.Answer{Opt66: "unresolved.local", Sname: "boot.example"},
			servers: "10.2.2.2", rule: dhcp.RuleSname, resolve: "boot.example", lookups: "unresolved.local,boot.example",
			why: []string{`sname "boot.example" chosen`, `option 66 name "unresolved.local" does not resolve`}},
		{name: "phones use Next-Server (siaddr) as the TFTP server address",
			a:       dhcp.Answer{Siaddr: netip.MustParseAddr("10.0.0.9"), Sname: "boot.example"},
			servers: "10.0.0.9", rule: dhcp.RuleSiaddr, lookups: "none",
			why: []string{"siaddr 10.0.0.9 chosen", `sname "boot.example"`}},
		{name: "siaddr 0.0.0.0 is no next server",
			a:       dhcp.Answer{Siaddr: netip.MustParseAddr("0.0.0.0"), Sname: "boot.example"},
			servers: "10.2.2.2", rule: dhcp.RuleSname, resolve: "boot.example"},
		{name: "phones use the Optional Server Name (sname) as the DNS name of the TFTP server",
			a: dhcp.Answer{Sname: "boot.example"}, l: dhcp.Local{NVRAM: ips(t, "10.7.7.7")},
			servers: "10.2.2.2", rule: dhcp.RuleSname, resolve: "boot.example",
			why: []string{"NVRAM (10.7.7.7)"}},
		{name: "only a DNS name goes in sname: a dotted decimal IP address there is not used",
			a: dhcp.Answer{Sname: "10.0.0.5"}, l: dhcp.Local{NVRAM: ips(t, "10.7.7.7")},
			servers: "10.7.7.7", rule: dhcp.RuleNVRAM, lookups: "none",
			why: []string{"sname holds a dotted address, which phones do not use"}},
		{name: "a method available once but not now: the address saved in NVRAM",
			l:       dhcp.Local{NVRAM: ips(t, "10.7.7.7,10.7.7.8")},
			servers: "10.7.7.7,10.7.7.8", rule: dhcp.RuleNVRAM,
			why: []string{"the address saved in NVRAM (10.7.7.7, 10.7.7.8) chosen", "saved at an earlier boot"}},
		{name: "no method at all and nothing saved",
			a: dhcp.Answer{Opt66: "unresolved.local"}, servers: "", rule: dhcp.RuleNone,
			why: []string{"no TFTP server", "does not resolve"}},
		{name: "a Catalyst address is a gateway's setting",
			a: dhcp.Answer{Siaddr: netip.MustParseAddr("10.0.0.9")}, l: dhcp.Local{Catalyst: netip.MustParseAddr("10.6.6.6")},
			servers: "10.0.0.9", rule: dhcp.RuleSiaddr, why: []string{"does not apply to phones"}},
		{name: "a nil resolver resolves nothing",
			a: dhcp.Answer{Opt66: "tftp.example"}, names: map[string]string{},
			servers: "", rule: dhcp.RuleNone},
	})
}

// TestPhoneRulesFamily: the IPv4 rules yield IPv4 addresses only,
// whatever the source (an IPv4-mapped address is read as IPv4); IPv6
// ones and zoned ones are left out, and Why says so.
func TestPhoneRulesFamily(t *testing.T) {
	siaddr := netip.MustParseAddr("10.0.0.9")
	runDiscover(t, dhcp.Phone, []discoverCase{
		{name: "a zoned IPv6 address in option 66 is no server for a phone on IPv4",
			a: dhcp.Answer{Opt66: "fe80::1%eth0", Siaddr: siaddr}, servers: "10.0.0.9", rule: dhcp.RuleSiaddr, lookups: "none",
			why: []string{`option 66 holds fe80::1%eth0, left out as the IPv4 rules use IPv4 addresses only, so the next rule applies`}},
		{name: "an IPv6 address in option 66",
			a: dhcp.Answer{Opt66: "2001:db8::66", Siaddr: siaddr}, servers: "10.0.0.9", rule: dhcp.RuleSiaddr,
			why: []string{"option 66 holds 2001:db8::66, left out"}},
		{name: "an IPv4-mapped address in option 66 is the IPv4 address it holds",
			a: dhcp.Answer{Opt66: "::ffff:10.0.0.66"}, servers: "10.0.0.66", rule: dhcp.RuleOption66Addr, whyNot: []string{"left out"}},
		{name: "option 150 filled by hand with an IPv6 address: the first two IPv4 ones",
			a: dhcp.Answer{Opt150: ips(t, "2001:db8::1,::ffff:10.0.0.1,10.0.0.2,10.0.0.3")}, servers: "10.0.0.1,10.0.0.2", rule: dhcp.RuleOption150,
			why: []string{"option 150 holds 2001:db8::1, left out as the IPv4 rules use IPv4 addresses only", "leave out 10.0.0.3"}},
		{name: "option 150 of IPv6 addresses only gives way to the next rule",
			a: dhcp.Answer{Opt150: ips(t, "2001:db8::1"), Siaddr: siaddr}, servers: "10.0.0.9", rule: dhcp.RuleSiaddr,
			why: []string{"option 150 holds 2001:db8::1, left out as the IPv4 rules use IPv4 addresses only, so the next rule applies"}},
		{name: "an option 66 name resolving to both families: its IPv4 addresses",
			a: dhcp.Answer{Opt66: "tftp-mixed.example"}, servers: "10.1.1.1", rule: dhcp.RuleOption66Name, resolve: "tftp-mixed.example",
			why:    []string{`option 66 name "tftp-mixed.example" resolves to 2001:db8::66, left out as the IPv4 rules use IPv4 addresses only`},
			whyNot: []string{"next rule"}},
		{name: "an option 66 name resolving to IPv6 only gives way to the next rule",
			a: dhcp.Answer{Opt66: "tftp6.example", Siaddr: siaddr}, servers: "10.0.0.9", rule: dhcp.RuleSiaddr, lookups: "tftp6.example",
			why: []string{`option 66 name "tftp6.example" resolves to 2001:db8::66, left out as the IPv4 rules use IPv4 addresses only, so the next rule applies`}},
		{name: "a resolver's IPv4-mapped answer is the IPv4 address",
			a: dhcp.Answer{Opt66: "tftp-mapped.example"}, servers: "10.1.1.9", rule: dhcp.RuleOption66Name, resolve: "tftp-mapped.example"},
		{name: "siaddr filled by hand with an IPv6 address",
			a: dhcp.Answer{Siaddr: netip.MustParseAddr("2001:db8::9"), Sname: "boot.example"}, servers: "10.2.2.2", rule: dhcp.RuleSname, resolve: "boot.example",
			why: []string{"siaddr holds 2001:db8::9, left out"}},
		{name: "an sname resolving to IPv6 only",
			a: dhcp.Answer{Sname: "boot6.example"}, l: dhcp.Local{NVRAM: ips(t, "10.7.7.7")}, servers: "10.7.7.7", rule: dhcp.RuleNVRAM,
			why: []string{`sname name "boot6.example" resolves to 2001:db8::22, left out`}},
		{name: "the alternate TFTP servers on IPv4: the IPv4 ones (a phone keeps its IPv6 ones apart)",
			a: dhcp.Answer{Opt150: ips(t, "10.0.0.1")}, l: dhcp.Local{AltTFTP: ips(t, "2001:db8::aa,10.5.5.1")},
			servers: "10.5.5.1", rule: dhcp.RuleAltTFTP,
			why: []string{"the phone's alternate TFTP servers hold 2001:db8::aa, left out as the IPv4 rules use IPv4 addresses only"}},
		{name: "alternate TFTP servers of IPv6 only are none on IPv4",
			a: dhcp.Answer{Opt150: ips(t, "10.0.0.1")}, l: dhcp.Local{AltTFTP: ips(t, "2001:db8::aa")},
			servers: "10.0.0.1", rule: dhcp.RuleOption150, why: []string{"2001:db8::aa, left out"}},
		{name: "an IPv6 address saved in NVRAM is none on IPv4, and nothing is said to come from NVRAM",
			a: dhcp.Answer{Opt66: "unresolved.local"}, l: dhcp.Local{NVRAM: ips(t, "2001:db8::77")},
			servers: "", rule: dhcp.RuleNone,
			why:    []string{"no TFTP server", "the address saved in NVRAM holds 2001:db8::77, left out"},
			whyNot: []string{"saved at an earlier boot"}},
	})
}

// TestPhoneRulesV6Family: the IPv6 rules yield IPv6 addresses only. An
// IPv4-mapped address in sub-option 1 is read as the IPv4 address it
// holds, which a phone on IPv6 does not use; a zone names an interface of
// one host, not the phone's, so a zoned address is not used either. A
// link-local address without a zone is used.
func TestPhoneRulesV6Family(t *testing.T) {
	runDiscover(t, dhcp.Phone, []discoverCase{
		{name: "an IPv4-mapped address in sub-option 1 is left out",
			a: dhcp.Answer{V6Servers: ips(t, "::ffff:10.0.0.1,2001:db8::1")}, servers: "2001:db8::1", rule: dhcp.RuleV6Sub1,
			why: []string{"DHCPv6 Cisco sub-option 1 holds 10.0.0.1, left out as the IPv6 rules use IPv6 addresses only (an IPv4-mapped ::ffff:a.b.c.d counts as IPv4)"}},
		{name: "sub-option 1 of IPv4-mapped addresses only gives way to sub-option 2",
			a: dhcp.Answer{V6Servers: ips(t, "::ffff:10.0.0.1"), V6Name: "tftp6.example"}, servers: "2001:db8::66", rule: dhcp.RuleV6Sub2, resolve: "tftp6.example",
			why: []string{"so the next rule applies"}},
		{name: "a zoned address filled in by hand in sub-option 1 is left out",
			a: dhcp.Answer{V6Servers: ips(t, "fe80::1%eth0,2001:db8::1")}, servers: "2001:db8::1", rule: dhcp.RuleV6Sub1,
			why: []string{"sub-option 1 holds fe80::1%eth0, left out as a zone names an interface of one host"}},
		{name: "a link-local address without a zone is used",
			a: dhcp.Answer{V6Servers: ips(t, "fe80::1")}, servers: "fe80::1", rule: dhcp.RuleV6Sub1},
		{name: "an IPv4 address in sub-option 2",
			a: dhcp.Answer{V6Name: "10.0.0.1"}, l: dhcp.Local{NVRAM: ips(t, "2001:db8::77")}, servers: "2001:db8::77", rule: dhcp.RuleNVRAM,
			why: []string{"DHCPv6 Cisco sub-option 2 holds 10.0.0.1, left out"}},
		{name: "a zoned address in sub-option 2",
			a: dhcp.Answer{V6Name: "fe80::1%eth0"}, servers: "", rule: dhcp.RuleNone,
			why: []string{"sub-option 2 holds fe80::1%eth0, left out as a zone"}},
		{name: "a sub-option 2 name resolving to IPv4 only",
			a: dhcp.Answer{V6Name: "tftp.example"}, servers: "", rule: dhcp.RuleNone,
			why: []string{`DHCPv6 Cisco sub-option 2 name "tftp.example" resolves to 10.1.1.1, left out as the IPv6 rules use IPv6 addresses only`}},
		{name: "a sub-option 2 name resolving to both families, and to a zoned address",
			a: dhcp.Answer{V6Name: "tftp6-zoned.example"}, servers: "2001:db8::66", rule: dhcp.RuleV6Sub2, resolve: "tftp6-zoned.example",
			why: []string{"resolves to fe80::1%eth0, left out as a zone"}},
		{name: "the IPv6 alternate TFTP servers",
			a: dhcp.Answer{V6Servers: ips(t, "2001:db8::1")}, l: dhcp.Local{AltTFTP: ips(t, "10.5.5.1,2001:db8::aa")},
			servers: "2001:db8::aa", rule: dhcp.RuleAltTFTP, why: []string{"hold 10.5.5.1, left out"}},
		{name: "what the codec left out of the answer is said in Why",
			a:       dhcp.Answer{V6: true, V6Name: "tftp6.example", Notes: []string{"DHCPv6 Cisco sub-option 1 is empty, and is left out"}},
			servers: "2001:db8::66", rule: dhcp.RuleV6Sub2, resolve: "tftp6.example",
			why: []string{"; DHCPv6 Cisco sub-option 1 is empty, and is left out."}},
		{name: "a DHCPv6 answer with no Cisco sub-option: the IPv6 rules, and the IPv6 address saved in NVRAM",
			a: dhcp.Answer{V6: true}, l: dhcp.Local{NVRAM: ips(t, "10.7.7.7,2001:db8::77")},
			servers: "2001:db8::77", rule: dhcp.RuleNVRAM, why: []string{"holds 10.7.7.7, left out", "saved at an earlier boot"}},
	})
}

// TestPhoneRulesV6 has one case per sentence of the chapter's list for
// phones on IPv6.
func TestPhoneRulesV6(t *testing.T) {
	sub := dhcp.Answer{V6Servers: ips(t, "2001:db8::1,2001:db8::2,2001:db8::3"), V6Name: "tftp6.example"}
	runDiscover(t, dhcp.Phone, []discoverCase{
		{name: "the TFTP Server Addresses sub-option type 1 is equivalent to option 150: first two used, over sub-option 2",
			a: sub, servers: "2001:db8::1,2001:db8::2", rule: dhcp.RuleV6Sub1, lookups: "none",
			why: []string{"DHCPv6 Cisco sub-option 1 (2001:db8::1, 2001:db8::2, 2001:db8::3) chosen", `phone (IPv6) order: DHCPv6 Cisco sub-option 2 "tftp6.example"`, "leave out 2001:db8::3"}},
		{name: "the TFTP Service sub-option type 2 is equivalent to option 66: a name, resolved",
			a: dhcp.Answer{V6Name: "tftp6.example"}, servers: "2001:db8::66", rule: dhcp.RuleV6Sub2, resolve: "tftp6.example"},
		{name: "sub-option 2 holding an address, as option 66 may",
			a: dhcp.Answer{V6Name: "2001:db8::67"}, servers: "2001:db8::67", rule: dhcp.RuleV6Sub2, lookups: "none"},
		{name: "an alternate TFTP address set on the phone overrides the address from DHCPv6",
			a: sub, l: dhcp.Local{AltTFTP: ips(t, "2001:db8::aa")}, servers: "2001:db8::aa", rule: dhcp.RuleAltTFTP},
		{name: "a method available once but not now on IPv6: NVRAM",
			a: dhcp.Answer{V6Name: "unresolved.local"}, l: dhcp.Local{NVRAM: ips(t, "2001:db8::77")},
			servers: "2001:db8::77", rule: dhcp.RuleNVRAM, why: []string{"does not resolve"}},
		{name: "an answer holding DHCPv4 fields too is read with the IPv4 rules",
			a:       dhcp.Answer{Opt150: ips(t, "10.0.0.1"), V6Servers: ips(t, "2001:db8::1")},
			servers: "10.0.0.1", rule: dhcp.RuleOption150, why: []string{"the DHCPv6 Cisco sub-options are ignored"}},
	})
}
