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
// device's requests can leave from it; it reports whether it added the
// address (false: it was there already). It needs CAP_NET_ADMIN: use it
// on an interface made for the check (a veth in a network namespace),
// not on a host's uplink.
func Configure(iface string, addr netip.Prefix) (added bool, err error) {
	err = withLink(iface, func(c *rtnl.Conn, ifc *net.Interface) error {
		err := c.AddrAdd(ifc, ipNet(addr))
		if errors.Is(err, syscall.EEXIST) {
			return nil
		}
		added = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("dhcp: put %s on %s: %w", addr, iface, err)
	}
	return added, nil
}

// Unconfigure takes addr off iface again.
func Unconfigure(iface string, addr netip.Prefix) error {
	err := withLink(iface, func(c *rtnl.Conn, ifc *net.Interface) error { return c.AddrDel(ifc, ipNet(addr)) })
	if err != nil {
		return fmt.Errorf("dhcp: take %s off %s: %w", addr, iface, err)
	}
	return nil
}

// withLink calls f with a netlink connection and the interface.
func withLink(iface string, f func(*rtnl.Conn, *net.Interface) error) error {
	ifc, err := net.InterfaceByName(iface)
	if err != nil {
		return err
	}
	c, err := rtnl.Dial(nil)
	if err != nil {
		return fmt.Errorf("netlink: %w", err)
	}
	defer c.Close()
	return f(c, ifc)
}

func ipNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}
