package dhcp

import (
	"fmt"
	"net/netip"
	"strings"
)

// Format is a DHCP server whose configuration Snippet writes.
type Format string

const (
	// FormatISC is ISC dhcpd 4.4 (dhcpd.conf; dhcpd -6 for IPv6).
	FormatISC Format = "isc"
	// FormatKea is ISC Kea 2.2 (kea-dhcp4 and kea-dhcp6 JSON).
	FormatKea Format = "kea"
	// FormatDnsmasq is dnsmasq 2.89 and later.
	FormatDnsmasq Format = "dnsmasq"
)

// ParseFormat reads "isc", "kea" or "dnsmasq" (any case).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case FormatISC, FormatKea, FormatDnsmasq:
		return f, nil
	}
	return "", fmt.Errorf("%w %q: want isc, kea or dnsmasq", ErrUnknownFormat, s)
}

// Snippet returns configuration for a DHCP server of format f that hands
// devices the TFTP servers, in the order they try them: option 150 (an
// array of IPv4 addresses) for IPv4, and for IPv6 (v6) option 17
// (vendor-opts), enterprise 9, sub-option 1 (an array of IPv6
// addresses). The servers must all be IPv4, or with v6 all IPv6.
//
//   - isc: global statements for dhcpd.conf (they are valid at the top
//     level; the value statement may also go in a subnet or host). For
//     IPv6 (dhcpd -6): an option space "cisco" for enterprise 9 in the
//     vsio space, with sub-option 1 as an array of ip6-address.
//   - kea: the two members "option-def" and "option-data", to merge into
//     the "Dhcp4" (or, with v6, "Dhcp6") object at its top level: add the
//     entries to those lists if the object already has them. Kea accepts
//     the leading // comment. For IPv6 both entries are "always-send":
//     Kea 2.2 leaves a vendor sub-option out unless the client asks for
//     it in a vendor-specific request list.
//   - dnsmasq: one dhcp-option line; for IPv6 a vi-encap option (RFC 3925
//     style vendor-identifying options, which dnsmasq sends in DHCPv6
//     option 17).
func Snippet(f Format, servers []netip.Addr, v6 bool) (string, error) {
	if err := checkFamily(servers, v6); err != nil {
		return "", err
	}
	switch f {
	case FormatISC:
		return iscSnippet(servers, v6), nil
	case FormatKea:
		return keaSnippet(servers, v6), nil
	case FormatDnsmasq:
		return dnsmasqSnippet(servers, v6), nil
	}
	return "", fmt.Errorf("%w %q: want isc, kea or dnsmasq", ErrUnknownFormat, string(f))
}

// checkFamily checks that there are servers, all of the family asked for.
func checkFamily(servers []netip.Addr, v6 bool) error {
	if len(servers) == 0 {
		return fmt.Errorf("%w: no TFTP server given", ErrAddress)
	}
	for _, s := range servers {
		switch {
		case !s.IsValid() || s.IsUnspecified():
			return fmt.Errorf("%w: %q is not a server address", ErrAddress, s)
		case s.Zone() != "":
			return fmt.Errorf("%w: %s has a zone, which a DHCP option cannot carry", ErrAddress, s)
		case v6 && (!s.Is6() || s.Is4In6()):
			return fmt.Errorf("%w: %s is not an IPv6 address (DHCPv6 carries IPv6 TFTP servers; drop --v6 for IPv4)", ErrAddress, s)
		case !v6 && !s.Is4():
			return fmt.Errorf("%w: %s is not an IPv4 address (option 150 carries IPv4; use --v6 for IPv6 servers)", ErrAddress, s)
		}
	}
	return nil
}

// joined formats servers with sep between them and each wrapped by wrap
// ("[%s]" for dnsmasq's IPv6).
func joined(servers []netip.Addr, sep, wrap string) string {
	s := make([]string, len(servers))
	for i, a := range servers {
		s[i] = fmt.Sprintf(wrap, a)
	}
	return strings.Join(s, sep)
}

func iscSnippet(servers []netip.Addr, v6 bool) string {
	if !v6 {
		return "# Cisco TFTP servers (option 150), in the order devices try them.\n" +
			"option tftp-servers code 150 = array of ip-address;\n" +
			"option tftp-servers " + joined(servers, ", ", "%s") + ";\n"
	}
	return "# Cisco vendor-specific information (DHCPv6 option 17, enterprise 9):\n" +
		"# sub-option 1, the TFTP servers, in the order phones try them.\n" +
		"option space cisco code width 2 length width 2;\n" +
		"option cisco.tftp-servers code 1 = array of ip6-address;\n" +
		"option vsio.cisco code 9 = encapsulate cisco;\n" +
		"option cisco.tftp-servers " + joined(servers, ", ", "%s") + ";\n"
}

func keaSnippet(servers []netip.Addr, v6 bool) string {
	if !v6 {
		return `// Cisco TFTP servers (option 150), in the order devices try them: merge into "Dhcp4".
"option-def": [
    { "name": "tftp-servers", "code": 150, "space": "dhcp4", "type": "ipv4-address", "array": true }
],
"option-data": [
    { "name": "tftp-servers", "space": "dhcp4", "data": "` + joined(servers, ", ", "%s") + `" }
]
`
	}
	return `// Cisco vendor-specific information (option 17, enterprise 9), sub-option 1: the TFTP
// servers, in the order phones try them: merge into "Dhcp6".
"option-def": [
    { "name": "tftp-servers", "code": 1, "space": "vendor-9", "type": "ipv6-address", "array": true }
],
"option-data": [
    { "name": "vendor-opts", "data": "9", "always-send": true },
    { "name": "tftp-servers", "space": "vendor-9", "data": "` + joined(servers, ", ", "%s") + `", "always-send": true }
]
`
}

func dnsmasqSnippet(servers []netip.Addr, v6 bool) string {
	if !v6 {
		return "# Cisco TFTP servers (option 150), in the order devices try them.\n" +
			"dhcp-option=150," + joined(servers, ",", "%s") + "\n"
	}
	return "# Cisco vendor-specific information (DHCPv6 option 17, enterprise 9),\n" +
		"# sub-option 1: the TFTP servers, in the order phones try them.\n" +
		"dhcp-option=vi-encap:9,option6:1," + joined(servers, ",", "[%s]") + "\n"
}
