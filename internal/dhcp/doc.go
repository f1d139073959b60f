// Package dhcp tells which TFTP servers a Cisco phone or gateway will use,
// given what one DHCPv4 or DHCPv6 answer held and what the device holds
// itself, and why: Discover applies the order of precedence of the Cisco
// chapter "Identify the TFTP server for devices", one rule list for
// gateways and one for phones.
//
// It also reads the fields that bear on the TFTP server out of a DHCP
// answer (FromV4, FromV6), builds those options (Option150, Option66,
// V6VendorOpts), and writes the DHCP server configuration that hands
// them out (Snippet) for ISC dhcpd, Kea and dnsmasq. Packets are encoded
// and decoded by github.com/insomniacslk/dhcp, the codec CoreDHCP is
// built on; this package only reads what it hands back.
//
// Each rule list yields addresses of one family: the gateways' and the
// phones' IPv4 rules IPv4 addresses, the phones' IPv6 rules IPv6 ones.
// An IPv4-mapped address (::ffff:a.b.c.d) is read as the IPv4 address it
// holds, and an address with a zone (fe80::1%eth0) is not used; what is
// left out is said in Result.Why.
//
// The package is pure: no I/O. Names are resolved through a Resolver the
// caller passes in.
package dhcp
