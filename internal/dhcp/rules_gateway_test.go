package dhcp_test

import (
	"net/netip"
	"testing"

	"cmtftp/internal/dhcp"
)

// TestGatewayRules has one case per sentence of the chapter's list for
// gateways, "Identify the TFTP server for devices".
func TestGatewayRules(t *testing.T) {
	full := dhcp.Answer{
		Opt150: ips(t, "10.0.0.1,10.0.0.2,10.0.0.3"), Opt66: "tftp.example",
		Siaddr: netip.MustParseAddr("10.0.0.9"), Sname: "boot.example",
	}
	noCM1 := map[string]string{"tftp.example": "10.1.1.1", "boot.example": "10.2.2.2"}
	runDiscover(t, dhcp.Gateway, []discoverCase{
		{name: "a Catalyst 6000 gateway's local TFTP address overrides any TFTP address DHCP sends",
			a: full, l: dhcp.Local{Catalyst: netip.MustParseAddr("10.6.6.6")},
			servers: "10.6.6.6", rule: dhcp.RuleCatalystLocal, lookups: "none",
			why: []string{"the Catalyst 6000's local TFTP address (10.6.6.6) chosen", "the DNS name CiscoCM1, siaddr 10.0.0.9, option 150"}},
		{name: "the gateway queries the DNS name CiscoCM1, and it is resolved: it overrides all DHCP sends",
			a: full, servers: "10.9.9.1", rule: dhcp.RuleCiscoCM1, resolve: "CiscoCM1", lookups: "CiscoCM1",
			why: []string{"the DNS name CiscoCM1 chosen", "siaddr 10.0.0.9, option 150 (10.0.0.1, 10.0.0.2, 10.0.0.3)"}},
		{name: "CiscoCM1 need not be the server's name: a CNAME to it, resolving to every address",
			a: full, names: map[string]string{"CiscoCM1": "10.9.9.1,10.9.9.2"},
			servers: "10.9.9.1,10.9.9.2", rule: dhcp.RuleCiscoCM1, resolve: "CiscoCM1"},
		{name: "the gateway always tries CiscoCM1; unresolved, Next-Server (siaddr) comes next",
			a: full, names: noCM1, servers: "10.0.0.9", rule: dhcp.RuleSiaddr, lookups: "CiscoCM1",
			why: []string{"siaddr 10.0.0.9 chosen", "CiscoCM1 does not resolve"}},
		{name: "siaddr: some DHCP servers put 0.0.0.0 there when it is not configured, which is no server",
			a: dhcp.Answer{Siaddr: netip.MustParseAddr("0.0.0.0"), Opt150: ips(t, "10.0.0.1")}, names: noCM1,
			servers: "10.0.0.1", rule: dhcp.RuleOption150},
		{name: "a gateway on IPv4 uses option 150, every address, over sname and option 66",
			a: dhcp.Answer{Opt150: full.Opt150, Sname: "boot.example", Opt66: "10.0.0.66"}, names: noCM1,
			servers: "10.0.0.1,10.0.0.2,10.0.0.3", rule: dhcp.RuleOption150, lookups: "CiscoCM1",
			why: []string{`sname "boot.example", option 66 "10.0.0.66"`, "came before option 150"}},
		{name: "the gateway uses the Optional Server Name, a host name, over option 66",
			a: dhcp.Answer{Sname: "boot.example", Opt66: "10.0.0.66"}, names: noCM1,
			servers: "10.2.2.2", rule: dhcp.RuleSname, resolve: "boot.example", lookups: "CiscoCM1,boot.example"},
		{name: "only a host name goes in sname: a dotted decimal IP address is not used",
			a: dhcp.Answer{Sname: "10.0.0.5", Opt66: "tftp.example"}, names: noCM1,
			servers: "10.1.1.1", rule: dhcp.RuleOption66Name, resolve: "tftp.example",
			why: []string{"sname holds a dotted address, which gateways do not use"}},
		{name: "the gateway on IPv4 uses option 66, the name of the boot server",
			a: dhcp.Answer{Opt66: "tftp.example"}, names: noCM1,
			servers: "10.1.1.1", rule: dhcp.RuleOption66Name, resolve: "tftp.example"},
		{name: "the option 66 field can hold a dotted decimal IP address",
			a: dhcp.Answer{Opt66: "10.0.0.66"}, names: noCM1,
			servers: "10.0.0.66", rule: dhcp.RuleOption66Addr, lookups: "CiscoCM1"},
		{name: "the device prefers the IP address (150) over the name of option 66 sent together",
			a: dhcp.Answer{Opt150: ips(t, "10.0.0.1"), Opt66: "tftp.example", Opt66Last: true}, names: noCM1,
			servers: "10.0.0.1", rule: dhcp.RuleOption150, lookups: "CiscoCM1",
			why: []string{"an IP address (option 150) is preferred over the name in option 66"}},
		{name: "a dotted address in 66 and option 150: the last in the option list wins (66 last)",
			a: dhcp.Answer{Opt150: ips(t, "10.0.0.1"), Opt66: "10.0.0.66", Opt66Last: true, Sname: "boot.example"}, names: noCM1,
			servers: "10.0.0.66", rule: dhcp.RuleOption66Addr, lookups: "CiscoCM1",
			why: []string{`option 66 "10.0.0.66" chosen`, `option 150 (10.0.0.1), sname "boot.example"`, "came after option 150"}},
		{name: "a dotted address in 66 and option 150: the last in the option list wins (150 last)",
			a: dhcp.Answer{Opt150: ips(t, "10.0.0.1"), Opt66: "10.0.0.66"}, names: noCM1,
			servers: "10.0.0.1", rule: dhcp.RuleOption150, why: []string{"came before option 150"}},
		{name: "siaddr still wins over a 66 address sent after 150",
			a: dhcp.Answer{Siaddr: netip.MustParseAddr("10.0.0.9"), Opt150: ips(t, "10.0.0.1"), Opt66: "10.0.0.66", Opt66Last: true}, names: noCM1,
			servers: "10.0.0.9", rule: dhcp.RuleSiaddr},
		{name: "a method available once but not now: the address saved in NVRAM",
			a: dhcp.Answer{Opt66: "unresolved.local"}, l: dhcp.Local{NVRAM: ips(t, "10.7.7.7")}, names: noCM1,
			servers: "10.7.7.7", rule: dhcp.RuleNVRAM, lookups: "CiscoCM1,unresolved.local",
			why: []string{"CiscoCM1 does not resolve", `option 66 name "unresolved.local" does not resolve`}},
		{name: "nothing at all",
			names: noCM1, servers: "", rule: dhcp.RuleNone, why: []string{"no TFTP server"}},
		{name: "the alternate TFTP setting and the DHCPv6 sub-options are a phone's",
			a: dhcp.Answer{V6Servers: ips(t, "2001:db8::1")}, l: dhcp.Local{AltTFTP: ips(t, "10.5.5.1"), NVRAM: ips(t, "10.7.7.7")}, names: noCM1,
			servers: "10.7.7.7", rule: dhcp.RuleNVRAM, why: []string{"does not apply to gateways", "gateways do not use the DHCPv6"}},
	})
}
