package dhcpclient

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv6"

	"cmtftp/internal/dhcp"
)

// Ask describes the exchange to run and the device running it.
type Ask struct {
	// Iface is the interface the exchange runs on.
	Iface string
	// V6 runs DHCPv6 instead of DHCPv4.
	V6 bool
	// Device says whose order of precedence applies.
	Device dhcp.Device
	// Local is what the device holds itself (alternate TFTP, NVRAM …).
	Local dhcp.Local
	// Options say how the device asks.
	Options
	// Resolve, when set, answers for names first (option 66, sname,
	// CiscoCM1); names it does not answer for go to the DNS server the
	// lease names (DHCPv4 option 6, DHCPv6 option 23), or the system's
	// when it names none — unless NoDNS.
	Resolve dhcp.Resolver
	NoDNS   bool
}

// Bound is a device's discovery with its lease on the interface.
type Bound struct {
	// Discovery is the lease and what the rules made of the answer.
	Discovery *dhcp.Discovery
	// Addr is the leased address, now on the interface: the address the
	// device's requests leave from (invalid when DHCPv6 leased none).
	Addr  netip.Prefix
	iface string
	added bool
}

// Release takes the leased address off the interface again, if Discover
// put it there.
func (b *Bound) Release() error {
	if !b.added {
		return nil
	}
	if err := Unconfigure(b.iface, b.Addr); err != nil {
		return err
	}
	b.added = false
	return nil
}

// Servers are the TFTP servers found, in order, at port; a link-local
// IPv6 server is reached on the interface the lease came from.
func (b *Bound) Servers(port uint16) []netip.AddrPort {
	var out []netip.AddrPort
	for _, a := range b.Discovery.Servers {
		if a.Is6() && a.IsLinkLocalUnicast() && a.Zone() == "" {
			a = a.WithZone(b.iface)
		}
		out = append(out, netip.AddrPortFrom(a, port))
	}
	return out
}

// Discover runs the DHCP exchange a.Iface's device runs, puts the leased
// address on the interface (see Configure; Release takes it off) and
// applies the device's order of precedence to the answer as received.
func Discover(ctx context.Context, a Ask) (*Bound, error) {
	var (
		ans   dhcp.Answer
		b     = &Bound{iface: a.Iface}
		d     = &dhcp.Discovery{Iface: a.Iface}
		names []net.IP
		err   error
	)
	if a.V6 {
		ans, names, err = exchange6(ctx, a, b)
	} else {
		ans, names, err = exchange4(ctx, a, b, d)
	}
	if err != nil {
		return nil, err
	}
	if b.Addr.IsValid() {
		d.Lease = b.Addr.String()
		if b.added, err = Configure(a.Iface, b.Addr); err != nil {
			return nil, err
		}
	}
	resolve := a.Resolve
	if !a.NoDNS {
		resolve = Resolvers(a.Resolve, leaseResolver(ctx, names))
	}
	d.Result = dhcp.Discover(a.Device, ans, a.Local, resolve)
	b.Discovery = d
	return b, nil
}

// exchange4 runs DHCPv4 and reads the ACK: the answer, the lease, the
// DNS servers it names.
func exchange4(ctx context.Context, a Ask, b *Bound, d *dhcp.Discovery) (dhcp.Answer, []net.IP, error) {
	if len(a.Requested) == 0 {
		a.Requested = dhcp.RequestedV4()
	}
	l, err := Request4(ctx, a.Iface, a.Options)
	if err != nil {
		return dhcp.Answer{}, nil, err
	}
	ans, err := dhcp.FromV4(l.ACK)
	if err != nil {
		return ans, nil, fmt.Errorf("dhcp: the ACK from %s: %w", l.Server, err)
	}
	b.Addr, d.Server = l.Addr, l.Server.String()
	var dns []net.IP
	if m, err := dhcpv4.FromBytes(l.ACK); err == nil {
		dns = m.DNS()
	}
	return ans, dns, nil
}

// exchange6 runs DHCPv6 and reads the REPLY. The leased address goes on
// the interface as a /128; the on-link prefix comes from router
// advertisements, as on any IPv6 host.
func exchange6(ctx context.Context, a Ask, b *Bound) (dhcp.Answer, []net.IP, error) {
	l, err := Request6(ctx, a.Iface, a.Options)
	if err != nil {
		return dhcp.Answer{}, nil, err
	}
	ans, err := dhcp.FromV6(l.Reply)
	if err != nil {
		return ans, nil, fmt.Errorf("dhcpv6: the reply: %w", err)
	}
	if l.Addr.IsValid() {
		b.Addr = netip.PrefixFrom(l.Addr, 128)
	}
	var dns []net.IP
	if m, err := dhcpv6.MessageFromBytes(l.Reply); err == nil {
		dns = m.Options.DNS()
	}
	return ans, dns, nil
}

// leaseResolver resolves through the first DNS server the lease names,
// as the device would; with none, through the system's.
func leaseResolver(ctx context.Context, dns []net.IP) dhcp.Resolver {
	if len(dns) == 0 {
		return Resolver(ctx, net.DefaultResolver)
	}
	server := net.JoinHostPort(dns[0].String(), "53")
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, server)
	}}
	return Resolver(ctx, r)
}

// Resolvers asks each resolver in turn (nil ones skipped) and gives the
// first answer that holds an address.
func Resolvers(rs ...dhcp.Resolver) dhcp.Resolver {
	return func(name string) []netip.Addr {
		for _, r := range rs {
			if r == nil {
				continue
			}
			if a := r(name); len(a) > 0 {
				return a
			}
		}
		return nil
	}
}

// Resolver looks names up with r, a few seconds at most per name, and
// gives the addresses unmapped.
func Resolver(ctx context.Context, r *net.Resolver) dhcp.Resolver {
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
