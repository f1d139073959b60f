package dhcpclient

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"cmtftp/internal/dhcp"
)

// Ask describes the exchange to run and the device running it.
type Ask struct {
	Iface  string
	V6     bool
	Device dhcp.Device
	Local  dhcp.Local
	Options
	// Resolve looks names up (option 66, sname, CiscoCM1); nil asks the
	// DNS servers the lease names (option 6), or the system's.
	Resolve dhcp.Resolver
}

// Discover runs the DHCP exchange a.Iface's device runs, puts the leased
// address on the interface (see Configure) and applies the device's order
// of precedence to the answer.
func Discover(ctx context.Context, a Ask) (*dhcp.Discovery, error) {
	if a.V6 {
		return discover6(ctx, a)
	}
	if len(a.Requested) == 0 {
		a.Requested = dhcp.RequestedV4()
	}
	l, err := Request4(ctx, a.Iface, a.Options)
	if err != nil {
		return nil, err
	}
	ans, err := dhcp.FromV4(l.ACK)
	if err != nil {
		return nil, fmt.Errorf("dhcp: the ACK from %s: %w", l.Server, err)
	}
	if err := Configure(a.Iface, l.Addr); err != nil {
		return nil, err
	}
	resolve := a.Resolve
	if resolve == nil {
		resolve = leaseResolver(ctx, l.ACK)
	}
	return &dhcp.Discovery{Iface: a.Iface, Lease: l.Addr.String(), Server: l.Server.String(),
		Result: dhcp.Discover(a.Device, ans, a.Local, resolve)}, nil
}

// discover6 is Discover over DHCPv6. The leased address goes on the
// interface as a /128; the on-link prefix comes from router
// advertisements, as on any IPv6 host.
func discover6(ctx context.Context, a Ask) (*dhcp.Discovery, error) {
	l, err := Request6(ctx, a.Iface, a.Options)
	if err != nil {
		return nil, err
	}
	ans, err := dhcp.FromV6(l.Reply)
	if err != nil {
		return nil, fmt.Errorf("dhcpv6: the reply: %w", err)
	}
	d := &dhcp.Discovery{Iface: a.Iface}
	if l.Addr.IsValid() {
		p := netip.PrefixFrom(l.Addr, 128)
		if err := Configure(a.Iface, p); err != nil {
			return nil, err
		}
		d.Lease = p.String()
	}
	resolve := a.Resolve
	if resolve == nil {
		resolve = systemResolver(ctx, net.DefaultResolver)
	}
	d.Result = dhcp.Discover(a.Device, ans, a.Local, resolve)
	return d, nil
}

// leaseResolver resolves through the first DNS server the ACK names, as
// the device would; with none, through the system's.
func leaseResolver(ctx context.Context, ack []byte) dhcp.Resolver {
	m, err := dhcpv4.FromBytes(ack)
	if err != nil || len(m.DNS()) == 0 {
		return systemResolver(ctx, net.DefaultResolver)
	}
	dns := net.JoinHostPort(m.DNS()[0].String(), "53")
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, dns)
	}}
	return systemResolver(ctx, r)
}

// systemResolver looks names up with r, a few seconds at most per name.
func systemResolver(ctx context.Context, r *net.Resolver) dhcp.Resolver {
	return func(name string) []netip.Addr {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		addrs, err := r.LookupNetIP(ctx, "ip", name)
		if err != nil {
			return nil
		}
		for i, a := range addrs {
			addrs[i] = a.Unmap()
		}
		return addrs
	}
}
