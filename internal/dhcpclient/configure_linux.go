package dhcpclient

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"

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
	if err := usable(addr.Addr(), 3*time.Second); err != nil {
		if added {
			err = errors.Join(err, Unconfigure(iface, addr))
		}
		return false, err
	}
	return added, nil
}

// usable waits until a socket can be bound to a, at most wait: a new IPv6
// address is tentative until duplicate-address detection is done, and
// cannot be sent from before.
func usable(a netip.Addr, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(a, 0)))
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("dhcp: %s is on the interface but not usable after %v: %w", a, wait, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
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
