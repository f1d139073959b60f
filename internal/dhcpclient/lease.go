package dhcpclient

import "net/netip"

// Lease4 is what a DHCPv4 exchange gave the device.
type Lease4 struct {
	// Addr is the leased address with the subnet mask's length.
	Addr netip.Prefix
	// Router is the first router (option 3), if any; Server the server
	// identifier (option 54).
	Router, Server netip.Addr
	// ACK is the DHCPACK exactly as received (the DHCP message, without
	// the IP and UDP headers).
	ACK []byte
}

// Lease6 is what a DHCPv6 exchange gave the device.
type Lease6 struct {
	// Addr is the first address of the first IA_NA, if any.
	Addr netip.Addr
	// Reply is the REPLY exactly as received.
	Reply []byte
}
