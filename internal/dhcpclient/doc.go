// Package dhcpclient runs the DHCP exchanges a booting phone or gateway runs
// on an interface — DHCPv4 (DISCOVER, OFFER, REQUEST, ACK) over a raw
// socket, so the interface may be unconfigured, and DHCPv6 (SOLICIT with
// rapid commit, or ADVERTISE then REQUEST) — through the insomniacslk/dhcp
// clients, and hands back the answer exactly as it came off the wire, for
// internal/dhcp to read the TFTP server options from. It can then put the
// leased address on the interface, as the device would.
package dhcpclient
