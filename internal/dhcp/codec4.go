package dhcp

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// The fixed part of a DHCPv4 message (RFC 2131, figure 1), with the byte
// offsets of the fields read here:
//
//	0                   1                   2                   3
//	0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+---------------+---------------+---------------+---------------+
//	|     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |
//	+---------------+---------------+---------------+---------------+
//	|                            xid (4)                            |
//	+-------------------------------+-------------------------------+
//	|           secs (2)            |           flags (2)           |
//	+-------------------------------+-------------------------------+
//	|                          ciaddr  (4)                          |
//	|                          yiaddr  (4)                          |
//	|                          siaddr  (4)                          |  20
//	|                          giaddr  (4)                          |
//	|                          chaddr  (16)                         |
//	|                          sname   (64)                         |  44
//	|                          file    (128)                        | 108
//	|                          options (variable)                   | 240, after the magic cookie
//	+---------------------------------------------------------------+
const (
	snameAt   = 44
	fileAt    = 108
	optionsAt = 240
)

// FromV4 reads what a DHCPv4 answer (a BOOTREPLY: an Offer, an Ack or a
// BOOTP reply) holds about the TFTP server. The packet is decoded by
// dhcpv4.FromBytes; options carried in the file and sname fields under
// option 52 (overload) are read too, in the order RFC 2131 gives
// (options, then file, then sname), and an overloaded sname is not a
// server name. Opt66Last and Opt150Last compare where options 66 and 150
// first appear in that order.
func FromV4(raw []byte) (Answer, error) {
	p, err := dhcpv4.FromBytes(raw)
	if err != nil {
		return Answer{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if p.OpCode != dhcpv4.OpcodeBootReply {
		return Answer{}, fmt.Errorf("%w: op is %v, want BootReply", ErrNotAnswer, p.OpCode)
	}
	areas, snameHoldsOptions, err := optionAreas(raw, p.Options)
	if err != nil {
		return Answer{}, err
	}
	for _, area := range areas[1:] {
		if err := p.Options.FromBytes(area); err != nil {
			return Answer{}, fmt.Errorf("%w: options in an overloaded field: %w", ErrMalformed, err)
		}
	}
	a := Answer{
		Opt66:  strings.TrimRight(dhcpv4.GetString(dhcpv4.OptionTFTPServerName, p.Options), "\x00"),
		Siaddr: addr4(p.ServerIPAddr),
	}
	if a.Opt150, err = opt150(p.Options); err != nil {
		return Answer{}, err
	}
	if !snameHoldsOptions {
		a.Sname = p.ServerHostName
	}
	order, err := optionOrder(areas...)
	if err != nil {
		return Answer{}, err
	}
	if a.Opt66 != "" && len(a.Opt150) > 0 {
		a.Opt66Last = later(order, dhcpv4.OptionTFTPServerName.Code(), dhcpv4.OptionTFTPServerAddress.Code())
		a.Opt150Last = !a.Opt66Last
	}
	return a, nil
}

// optionAreas returns the parts of raw that hold options, in the order
// they are read: the options field, then, as option 52 says, the file
// field and the sname field.
func optionAreas(raw []byte, opts dhcpv4.Options) (areas [][]byte, snameHoldsOptions bool, err error) {
	areas = [][]byte{raw[optionsAt:]}
	ov := opts.Get(dhcpv4.OptionOptionOverload)
	if ov == nil {
		return areas, false, nil
	}
	if len(ov) != 1 || ov[0] < 1 || ov[0] > 3 {
		return nil, false, fmt.Errorf("%w: option 52 (overload) is % x, want one byte 1, 2 or 3", ErrMalformed, ov)
	}
	if ov[0]&1 != 0 {
		areas = append(areas, raw[fileAt:optionsAt-4])
	}
	if ov[0]&2 != 0 {
		areas = append(areas, raw[snameAt:fileAt])
	}
	return areas, ov[0]&2 != 0, nil
}

// opt150 decodes option 150, an array of IPv4 addresses.
func opt150(opts dhcpv4.Options) ([]netip.Addr, error) {
	if !opts.Has(dhcpv4.OptionTFTPServerAddress) {
		return nil, nil
	}
	v := opts.Get(dhcpv4.OptionTFTPServerAddress)
	var ips dhcpv4.IPs
	if err := ips.FromBytes(v); err != nil {
		return nil, fmt.Errorf("%w: option 150 of %d bytes is not a list of IPv4 addresses: %w", ErrMalformed, len(v), err)
	}
	out := make([]netip.Addr, 0, len(ips))
	for _, ip := range ips {
		a, _ := netip.AddrFromSlice(ip) // 4 bytes each: IPs.FromBytes cuts them so
		out = append(out, a.Unmap())
	}
	return out, nil
}

// addr4 converts a 4-byte address from the library; 0.0.0.0 and a nil
// address become the zero Addr.
func addr4(ip net.IP) netip.Addr {
	a, ok := netip.AddrFromSlice(ip)
	if !ok || a.Unmap().IsUnspecified() {
		return netip.Addr{}
	}
	return a.Unmap()
}

// later reports whether option code a first appears after code b.
func later(order []uint8, a, b uint8) bool {
	ia, ib := -1, -1
	for i, c := range order {
		switch c {
		case a:
			ia = i
		case b:
			ib = i
		}
	}
	return ia > ib && ib >= 0
}

// Option150 builds option 150 (Cisco TFTP servers), an array of IPv4
// addresses, in order; addresses that are not IPv4 are left out.
func Option150(addrs []netip.Addr) dhcpv4.Option {
	ips := make(dhcpv4.IPs, 0, len(addrs))
	for _, a := range addrs {
		if a = a.Unmap(); a.Is4() {
			b := a.As4()
			ips = append(ips, net.IP(b[:]))
		}
	}
	return dhcpv4.Option{Code: dhcpv4.OptionTFTPServerAddress, Value: ips}
}

// Option66 builds option 66 (TFTP server name): a host name or a dotted
// address, as text.
func Option66(name string) dhcpv4.Option {
	return dhcpv4.OptTFTPServerName(name)
}

// RequestedV4 is the parameter request list (option 55) a Cisco phone
// sends, as this package models it: subnet mask, router, DNS servers,
// domain name, NTP servers, TFTP server name (66) and Cisco TFTP servers
// (150).
func RequestedV4() []dhcpv4.OptionCode {
	return []dhcpv4.OptionCode{
		dhcpv4.OptionSubnetMask, dhcpv4.OptionRouter, dhcpv4.OptionDomainNameServer, dhcpv4.OptionDomainName,
		dhcpv4.OptionNTPServers, dhcpv4.OptionTFTPServerName, dhcpv4.OptionTFTPServerAddress,
	}
}
