package dhcp

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/insomniacslk/dhcp/dhcpv6"
)

// CiscoEnterprise is Cisco's IANA private enterprise number, under which
// DHCPv6 option 17 (vendor-opts) carries the TFTP sub-options.
const CiscoEnterprise = 9

// The Cisco vendor sub-options of DHCPv6 option 17 that name the TFTP
// server.
const (
	// SubTFTPServers is sub-option 1, TFTP server addresses: an array of
	// IPv6 addresses, the equivalent of option 150.
	SubTFTPServers = 1
	// SubTFTPService is sub-option 2, TFTP service: a name, the equivalent
	// of option 66.
	SubTFTPService = 2
)

// The vendor-specific information option (RFC 8415, section 21.17) and,
// inside its option-data, each sub-option:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|      OPTION_VENDOR_OPTS       |           option-len          |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                       enterprise-number                       |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	.                       option-data                             .
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|          sub-opt-code         |           sub-option-len      |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	.                          sub-option-data                      .
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

// FromV6 reads what a DHCPv6 answer (an Advertise or a Reply) holds about
// the TFTP server: option 17, enterprise 9, sub-options 1 and 2, and sets
// Answer.V6. The packet is decoded by dhcpv6.FromBytes. Relay messages
// are refused: a device receives the answer itself.
//
// An error is returned only when the packet cannot be decoded, its option
// framing included (an option or a Cisco sub-option running past the end
// of what holds it), or is no answer. A sub-option 1 that is well framed
// but not a list of IPv6 addresses (empty, or not a multiple of 16 bytes
// long) is left out whole, as its boundaries cannot be trusted (20 bytes
// may be five IPv4 addresses sent by mistake), and said in Answer.Notes;
// the rest of the answer is read. An IPv4-mapped address in sub-option 1
// (::ffff:a.b.c.d) is read as the IPv4 address it holds, which Discover
// does not use for a phone on IPv6.
func FromV6(raw []byte) (Answer, error) {
	d, err := dhcpv6.FromBytes(raw)
	if err != nil {
		return Answer{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	m, ok := d.(*dhcpv6.Message)
	if !ok {
		return Answer{}, fmt.Errorf("%w: a relay message (%v)", ErrNotAnswer, d.Type())
	}
	if t := m.MessageType; t != dhcpv6.MessageTypeAdvertise && t != dhcpv6.MessageTypeReply {
		return Answer{}, fmt.Errorf("%w: a %v, want an Advertise or a Reply", ErrNotAnswer, t)
	}
	a := Answer{V6: true}
	for _, o := range m.Options.VendorOpt(CiscoEnterprise) {
		switch o.Code() {
		case SubTFTPServers:
			addrs, note := v6Addrs(o.ToBytes())
			a.V6Servers = append(a.V6Servers, addrs...)
			if note != "" {
				a.Notes = append(a.Notes, note)
			}
		case SubTFTPService:
			a.V6Name = strings.TrimRight(string(o.ToBytes()), "\x00")
		}
	}
	return a, nil
}

// v6Addrs decodes sub-option 1: IPv6 addresses, 16 bytes each, unmapped.
// A sub-option of another length gives none and a note saying so.
func v6Addrs(b []byte) ([]netip.Addr, string) {
	switch {
	case len(b) == 0:
		return nil, "DHCPv6 Cisco sub-option 1 is empty, and is left out"
	case len(b)%16 != 0:
		return nil, fmt.Sprintf("DHCPv6 Cisco sub-option 1 of %d bytes is not a list of IPv6 addresses (16 bytes each), and is left out", len(b))
	}
	out := make([]netip.Addr, 0, len(b)/16)
	for i := 0; i < len(b); i += 16 {
		out = append(out, netip.AddrFrom16([16]byte(b[i:i+16])).Unmap())
	}
	return out, ""
}

// V6VendorOpts builds DHCPv6 option 17 (vendor-opts) for enterprise 9
// (Cisco) with sub-option 1 holding servers (addresses that are not IPv6
// are left out) and sub-option 2 holding name; an empty part is left out.
func V6VendorOpts(servers []netip.Addr, name string) dhcpv6.Option {
	var subs dhcpv6.Options
	var b []byte
	for _, s := range servers {
		if s.Is6() && !s.Is4In6() {
			a := s.As16()
			b = append(b, a[:]...)
		}
	}
	if len(b) > 0 {
		subs.Add(&dhcpv6.OptionGeneric{OptionCode: SubTFTPServers, OptionData: b})
	}
	if name != "" {
		subs.Add(&dhcpv6.OptionGeneric{OptionCode: SubTFTPService, OptionData: []byte(name)})
	}
	return &dhcpv6.OptVendorOpts{EnterpriseNumber: CiscoEnterprise, VendorOpts: subs}
}
