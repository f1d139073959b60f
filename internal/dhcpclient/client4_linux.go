package dhcpclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
)

// Request4 runs DISCOVER, OFFER, REQUEST, ACK on iface, over a raw socket
// (the interface needs no address; this needs CAP_NET_RAW), and returns
// the lease with the ACK as it came.
func Request4(ctx context.Context, iface string, o Options) (*Lease4, error) {
	ifc, err := net.InterfaceByName(iface)
	if err != nil {
		return nil, fmt.Errorf("dhcp: %w", err)
	}
	conn, err := nclient4.NewRawUDPConn(iface, nclient4.ClientPort)
	if err != nil {
		return nil, fmt.Errorf("dhcp: a raw socket on %s: %w", iface, err)
	}
	rec := &recorder{PacketConn: conn}
	c, err := nclient4.NewWithConn(rec, ifc.HardwareAddr, nclient4.WithTimeout(o.timeout()), nclient4.WithRetry(o.retries()))
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("dhcp: %w", err)
	}
	defer c.Close()
	lease, err := c.Request(ctx, o.modifiers4()...)
	if err != nil {
		return nil, fmt.Errorf("dhcp: no lease on %s: %w", iface, err)
	}
	return lease4(lease.ACK, rec)
}

// lease4 describes ack, with the raw bytes the recorder kept of it.
func lease4(ack *dhcpv4.DHCPv4, rec *recorder) (*Lease4, error) {
	raw := rec.find(func(b []byte) bool {
		m, err := dhcpv4.FromBytes(b)
		return err == nil && m.TransactionID == ack.TransactionID && m.MessageType() == dhcpv4.MessageTypeAck
	})
	if raw == nil {
		return nil, errors.New("dhcp: the ACK the client accepted was not among the packets read")
	}
	addr, ok := netip.AddrFromSlice(ack.YourIPAddr.To4())
	if !ok || !addr.IsValid() || addr.IsUnspecified() {
		return nil, fmt.Errorf("dhcp: the ACK leases no address (yiaddr %v)", ack.YourIPAddr)
	}
	bits := 32
	if m := ack.SubnetMask(); m != nil {
		bits, _ = m.Size()
	}
	l := &Lease4{Addr: netip.PrefixFrom(addr, bits), ACK: raw}
	if rs := ack.Router(); len(rs) > 0 {
		l.Router, _ = netip.AddrFromSlice(rs[0].To4())
	}
	l.Server, _ = netip.AddrFromSlice(ack.ServerIdentifier().To4())
	return l, nil
}
