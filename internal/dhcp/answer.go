package dhcp

import "net/netip"

// Answer is what one DHCP answer held that bears on the TFTP server.
// FromV4 and FromV6 fill it from a packet; a caller may also fill it by
// hand. A zero field is an absent one.
type Answer struct {
	// Opt150 is option 150 (Cisco TFTP servers), every address in the
	// order the answer gave them.
	Opt150 []netip.Addr
	// Opt66 is option 66 (TFTP server name): a host name or a dotted
	// address.
	Opt66 string
	// Opt66Last says that options 66 and 150 were both present and 66
	// came later in the option list (gateways let the later one win);
	// Opt150Last, that 150 came later. FromV4 sets exactly one of them
	// when the answer holds both options. Neither set (or both, which
	// cannot be) means the order is not known, as for an answer filled by
	// hand: Discover then takes 150 as the later and says, in Why, that
	// it assumed so.
	Opt66Last, Opt150Last bool
	// Siaddr is the header's next-server field; zero (or 0.0.0.0) when
	// absent.
	Siaddr netip.Addr
	// Sname is the header's sname field, empty when absent or when the
	// field carries options (option 52, overload).
	Sname string
	// V6Servers is DHCPv6 option 17 (vendor-opts), enterprise 9 (Cisco),
	// sub-option 1: the TFTP server addresses.
	V6Servers []netip.Addr
	// V6Name is sub-option 2 of the same option: the TFTP service name.
	V6Name string
	// V6 says the answer is a DHCPv6 one (FromV6 sets it): a phone reads
	// it with the IPv6 rules even when it holds no Cisco sub-option, and
	// so takes the IPv6 addresses of its own settings (Local).
	V6 bool
	// Notes says, for an admin, what of the answer was malformed and left
	// out while the rest was read (FromV6: a Cisco sub-option 1 that is
	// not a list of IPv6 addresses); Discover repeats them in Why.
	Notes []string
}

// Local is what the device holds itself. Addresses of both families may
// be given: Discover uses those of the family of the rules it follows
// (IPv4 for gateways and phones on IPv4, IPv6 for phones on IPv6), as a
// phone keeps its IPv4 and IPv6 TFTP settings apart, and names the others
// in Why.
type Local struct {
	// AltTFTP is a phone's "Alternate TFTP = Yes" with its TFTP Server 1
	// and TFTP Server 2; empty when Alternate TFTP is No.
	AltTFTP []netip.Addr
	// Catalyst is a Catalyst 6000 gateway's locally configured TFTP
	// server address, an IPv4 one.
	Catalyst netip.Addr
	// NVRAM is the address or addresses saved from an earlier boot.
	NVRAM []netip.Addr
}

// Resolver looks a name up in DNS. A nil Resolver, or a nil or empty
// result, means the name does not resolve.
type Resolver func(name string) []netip.Addr

// Rule names the rule of precedence that chose the servers. The values
// are stable short identifiers, fit for scripts and JSON.
type Rule string

// The rules. Each device kind uses some of them, in its own order.
const (
	// RuleAltTFTP: a phone's Alternate TFTP = Yes, TFTP Server 1 and 2.
	RuleAltTFTP Rule = "alt-tftp"
	// RuleOption150: DHCPv4 option 150.
	RuleOption150 Rule = "option-150"
	// RuleOption66Addr: DHCPv4 option 66 holding a dotted address.
	RuleOption66Addr Rule = "option-66-address"
	// RuleOption66Name: DHCPv4 option 66 holding a name, resolved.
	RuleOption66Name Rule = "option-66-name"
	// RuleSiaddr: the DHCPv4 header's next-server field.
	RuleSiaddr Rule = "siaddr"
	// RuleSname: the DHCPv4 header's sname field, a name, resolved.
	RuleSname Rule = "sname"
	// RuleCiscoCM1: a gateway's DNS look-up of the name CiscoCM1.
	RuleCiscoCM1 Rule = "cisco-cm1"
	// RuleCatalystLocal: a Catalyst 6000 gateway's local TFTP address.
	RuleCatalystLocal Rule = "catalyst-local"
	// RuleV6Sub1: DHCPv6 Cisco vendor sub-option 1, TFTP server addresses.
	RuleV6Sub1 Rule = "v6-suboption-1"
	// RuleV6Sub2: DHCPv6 Cisco vendor sub-option 2, the TFTP service name.
	RuleV6Sub2 Rule = "v6-suboption-2"
	// RuleNVRAM: the address saved in non-volatile memory at an earlier boot.
	RuleNVRAM Rule = "nvram"
	// RuleNone: no rule found a server.
	RuleNone Rule = "none"
)

// Result is the TFTP servers a device will use and why.
type Result struct {
	// Servers are the TFTP servers in the order the device tries them;
	// empty (never nil) when no rule found one.
	Servers []netip.Addr `json:"servers"`
	// Rule is the rule that chose them (RuleNone when none did).
	Rule Rule `json:"rule"`
	// Name is the name that was resolved, when the rule used one.
	Name string `json:"name,omitempty"`
	// Why says, for an admin, which rule won and what it overrode or
	// found unusable.
	Why string `json:"why"`
}
