package dhcpclient

import (
	"context"
	"fmt"
	"net"
	"net/netip"

	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/dhcpv6/nclient6"

	"cmtftp/internal/dhcp"
)

// Request6 runs a DHCPv6 exchange on iface from its link-local address
// (SOLICIT with rapid commit; ADVERTISE then REQUEST when the server does
// not commit at once), asking for the vendor-specific options, and
// returns the REPLY as it came.
func Request6(ctx context.Context, iface string, o Options) (*Lease6, error) {
	ifc, err := net.InterfaceByName(iface)
	if err != nil {
		return nil, fmt.Errorf("dhcpv6: %w", err)
	}
	conn, err := nclient6.NewIPv6UDPConn(iface, dhcpv6.DefaultClientPort)
	if err != nil {
		return nil, fmt.Errorf("dhcpv6: a socket on %s (it needs a link-local address): %w", iface, err)
	}
	rec := &recorder{PacketConn: conn}
	c, err := nclient6.NewWithConn(rec, ifc.HardwareAddr, nclient6.WithTimeout(o.timeout()), nclient6.WithRetry(o.retries()))
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("dhcpv6: %w", err)
	}
	defer c.Close()
	reply, err := c.RapidSolicit(ctx, modifiers6(o)...)
	if err != nil {
		return nil, fmt.Errorf("dhcpv6: no reply on %s: %w", iface, err)
	}
	raw := rec.find(func(b []byte) bool {
		m, err := dhcpv6.MessageFromBytes(b)
		return err == nil && m.TransactionID == reply.TransactionID && m.MessageType == dhcpv6.MessageTypeReply
	})
	if raw == nil {
		raw = reply.ToBytes()
	}
	l := &Lease6{Reply: raw}
	if ia := reply.Options.OneIANA(); ia != nil {
		if a := ia.Options.OneAddress(); a != nil {
			l.Addr, _ = netip.AddrFromSlice(a.IPv6Addr)
		}
	}
	return l, nil
}

// modifiers6 asks for the vendor-specific options and names the device
// as a Cisco one (vendor class, enterprise 9), which servers use to pick
// the vendor options they send.
func modifiers6(o Options) []dhcpv6.Modifier {
	m := []dhcpv6.Modifier{dhcpv6.WithRequestedOptions(dhcpv6.OptionVendorOpts)}
	if o.VendorClass != "" {
		m = append(m, dhcpv6.WithOption(&dhcpv6.OptVendorClass{EnterpriseNumber: dhcp.CiscoEnterprise, Data: [][]byte{[]byte(o.VendorClass)}}))
	}
	return m
}
