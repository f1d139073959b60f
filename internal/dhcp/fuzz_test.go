package dhcp_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv6"

	"cmtftp/internal/dhcp"
)

// FuzzFromV4: FromV4 never panics; what it reads is consistent, and an
// answer built again from it with the encoders reads back the same.
func FuzzFromV4(f *testing.F) {
	msgAck := []byte{53, 1, 5}
	base := ack(f, "", "")
	f.Add(base)
	f.Add(ack(f, "boot.example", "10.0.0.9", dhcp.Option150(ips(f, "10.0.0.1,10.0.0.2")), dhcp.Option66("tftp.example")))
	f.Add(withOptions(f, base, append(append(msgAck, 150, 4, 10, 0, 0, 1), 66, 3, 'a', '.', 'b')...))
	f.Add(withField(withField(withOptions(f, base, append(msgAck, 52, 1, 3)...), 44, 64, []byte{66, 1, 'n'}), 108, 128, []byte{150, 4, 10, 0, 0, 7}))
	f.Add(withOptions(f, base, append(msgAck, 52, 1, 4)...))
	f.Fuzz(func(t *testing.T, pkt []byte) {
		a, err := dhcp.FromV4(pkt)
		if err != nil {
			return
		}
		if (a.Opt66Last || a.Opt150Last) && (a.Opt66 == "" || len(a.Opt150) == 0) {
			t.Fatalf("an option order without both options: %+v", a)
		}
		if a.Opt66 != "" && len(a.Opt150) > 0 && a.Opt66Last == a.Opt150Last {
			t.Fatalf("both options, and not exactly one of them the later: %+v", a)
		}
		for _, s := range a.Opt150 {
			if !s.Is4() {
				t.Fatalf("option 150 gave %v", s)
			}
		}
		if a.Siaddr.IsValid() && a.Siaddr.IsUnspecified() {
			t.Fatal("siaddr 0.0.0.0 read as an address")
		}
		for _, d := range []dhcp.Device{dhcp.Phone, dhcp.Gateway} {
			for _, s := range dhcp.Discover(d, a, dhcp.Local{}, nil).Servers {
				if !s.Is4() {
					t.Fatalf("a %v on IPv4 got the server %v from %+v", d, s, a)
				}
			}
		}
		var opts []dhcpv4.Option
		if len(a.Opt150) > 0 {
			opts = append(opts, dhcp.Option150(a.Opt150))
		}
		if a.Opt66 != "" {
			opts = append(opts, dhcp.Option66(a.Opt66))
		}
		siaddr := ""
		if a.Siaddr.IsValid() {
			siaddr = a.Siaddr.String()
		}
		b, err := dhcp.FromV4(ack(t, a.Sname, siaddr, opts...))
		if err != nil {
			t.Fatalf("re-encoded %+v: %v", a, err)
		}
		if !slices.Equal(b.Opt150, a.Opt150) || b.Siaddr != a.Siaddr || (len(a.Sname) < 64 && b.Sname != a.Sname) {
			t.Fatalf("round trip: %+v, then %+v", a, b)
		}
	})
}

// FuzzFromV6: FromV6 never panics, and Cisco sub-options read from a
// packet read back the same once encoded again.
func FuzzFromV6(f *testing.F) {
	f.Add(reply6(f, dhcpv6.MessageTypeReply, dhcp.V6VendorOpts(ips(f, "2001:db8::10,2001:db8::11"), "tftp6.example")))
	f.Add(reply6(f, dhcpv6.MessageTypeAdvertise, dhcp.V6VendorOpts(ips(f, "2001:db8::10"), "")))
	f.Add(reply6(f, dhcpv6.MessageTypeReply, vendorOpts(9, &dhcpv6.OptionGeneric{OptionCode: 1, OptionData: make([]byte, 15)})))
	f.Add(reply6(f, dhcpv6.MessageTypeSolicit))
	f.Add(reply6(f, dhcpv6.MessageTypeReply, vendorOpts(9, &dhcpv6.OptionGeneric{OptionCode: 1}, &dhcpv6.OptionGeneric{OptionCode: 2, OptionData: []byte("tftp6.example")})))
	f.Add(reply6(f, dhcpv6.MessageTypeReply, dhcp.V6VendorOpts(nil, "x"), vendorOpts(9, &dhcpv6.OptionGeneric{OptionCode: 1, OptionData: netip.MustParseAddr("::ffff:10.0.0.1").AsSlice()})))
	f.Fuzz(func(t *testing.T, pkt []byte) {
		a, err := dhcp.FromV6(pkt)
		if err != nil {
			return
		}
		if !a.V6 || a.Opt66 != "" || a.Opt150 != nil || a.Sname != "" || a.Siaddr.IsValid() {
			t.Fatalf("a DHCPv6 answer read as %+v", a)
		}
		var v6 []netip.Addr
		for _, s := range a.V6Servers {
			if s.Is4In6() || s.Zone() != "" || !s.IsValid() {
				t.Fatalf("sub-option 1 gave %v", s)
			}
			if s.Is6() {
				v6 = append(v6, s)
			}
		}
		b, err := dhcp.FromV6(reply6(t, dhcpv6.MessageTypeReply, dhcp.V6VendorOpts(v6, a.V6Name)))
		if err != nil {
			t.Fatalf("re-encoded %+v: %v", a, err)
		}
		if !slices.Equal(b.V6Servers, v6) || b.V6Name != a.V6Name || len(b.Notes) != 0 {
			t.Fatalf("round trip: %+v, then %+v", a, b)
		}
		for _, s := range dhcp.Discover(dhcp.Phone, a, dhcp.Local{}, nil).Servers {
			if !s.Is6() || s.Is4In6() || s.Zone() != "" {
				t.Fatalf("a phone on IPv6 got the server %v from %+v", s, a)
			}
		}
	})
}
