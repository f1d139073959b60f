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
