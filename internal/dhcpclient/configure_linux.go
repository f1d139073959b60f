package dhcpclient

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"github.com/jsimonetti/rtnetlink/rtnl"
)

// Configure puts addr on iface, as the device does with its lease, so the
// device's TFTP and HTTP requests leave from it. An address already there
// is left as it is. It needs CAP_NET_ADMIN: use it on an interface made
// for the check (a veth in a network namespace), not on a host's uplink.
func Configure(iface string, addr netip.Prefix) error {
	ifc, err := net.InterfaceByName(iface)
	if err != nil {
		return fmt.Errorf("dhcp: %w", err)
	}
	c, err := rtnl.Dial(nil)
	if err != nil {
		return fmt.Errorf("dhcp: netlink: %w", err)
	}
	defer c.Close()
	ipnet := &net.IPNet{IP: addr.Addr().AsSlice(), Mask: net.CIDRMask(addr.Bits(), addr.Addr().BitLen())}
	if err := c.AddrAdd(ifc, ipnet); err != nil && !errors.Is(err, syscall.EEXIST) {
		return fmt.Errorf("dhcp: put %s on %s: %w", addr, iface, err)
	}
	return nil
}
