package dhcp_test

import (
	"errors"
	"net"
	"slices"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv6"

	"cmtftp/internal/dhcp"
)

// reply6 builds a DHCPv6 message of type mt with the library, holding opts.
func reply6(t testing.TB, mt dhcpv6.MessageType, opts ...dhcpv6.Option) []byte {
	t.Helper()
	m, err := dhcpv6.NewMessage()
	if err != nil {
		t.Fatal(err)
	}
	m.MessageType = mt
	for _, o := range opts {
		m.AddOption(o)
	}
	return m.ToBytes()
}

// vendorOpts builds option 17 for enterprise en with raw sub-options.
func vendorOpts(en uint32, subs ...dhcpv6.Option) dhcpv6.Option {
	return &dhcpv6.OptVendorOpts{EnterpriseNumber: en, VendorOpts: subs}
}

func TestFromV6(t *testing.T) {
	servers := ips(t, "2001:db8::10,2001:db8::11")
	cases := []struct {
		name    string
		pkt     []byte
		servers string
		tftp    string
	}{
		{"a Reply with sub-options 1 and 2", reply6(t, dhcpv6.MessageTypeReply, dhcp.V6VendorOpts(servers, "tftp6.example")),
			"2001:db8::10,2001:db8::11", "tftp6.example"},
		{"an Advertise with sub-option 1 only", reply6(t, dhcpv6.MessageTypeAdvertise, dhcp.V6VendorOpts(servers, "")),
			"2001:db8::10,2001:db8::11", ""},
		{"the encoder leaves out IPv4 addresses", reply6(t, dhcpv6.MessageTypeReply, dhcp.V6VendorOpts(ips(t, "10.0.0.1,::ffff:10.0.0.2,2001:db8::10"), "")),
			"2001:db8::10", ""},
		{"another enterprise's vendor-opts are not Cisco's",
			reply6(t, dhcpv6.MessageTypeReply, vendorOpts(4491, &dhcpv6.OptionGeneric{OptionCode: 1, OptionData: make([]byte, 16)})), "", ""},
		{"Cisco's beside another enterprise's",
			reply6(t, dhcpv6.MessageTypeReply, vendorOpts(4491, &dhcpv6.OptionGeneric{OptionCode: 2, OptionData: []byte("x")}), dhcp.V6VendorOpts(nil, "cisco.example")), "", "cisco.example"},
		{"sub-option 1 twice: both kept, in order",
			reply6(t, dhcpv6.MessageTypeReply, vendorOpts(9, &dhcpv6.OptionGeneric{OptionCode: 1, OptionData: net.ParseIP("2001:db8::1")},
				&dhcpv6.OptionGeneric{OptionCode: 1, OptionData: net.ParseIP("2001:db8::2")}, &dhcpv6.OptionGeneric{OptionCode: 3, OptionData: []byte{1}})),
			"2001:db8::1,2001:db8::2", ""},
		{"no vendor-opts", reply6(t, dhcpv6.MessageTypeReply), "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := dhcp.FromV6(c.pkt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.V6Servers, ips(t, c.servers)) || a.V6Name != c.tftp {
				t.Errorf("got %v %q, want %s %q", a.V6Servers, a.V6Name, c.servers, c.tftp)
			}
			if a.Opt66 != "" || a.Opt150 != nil || a.Sname != "" || a.Siaddr.IsValid() {
				t.Errorf("DHCPv4 fields set from a DHCPv6 packet: %+v", a)
			}
		})
	}
}

func TestFromV6Errors(t *testing.T) {
	good := reply6(t, dhcpv6.MessageTypeReply, dhcp.V6VendorOpts(ips(t, "2001:db8::10"), ""))
	relay, err := dhcpv6.EncapsulateRelay(mustMessage(t, good), dhcpv6.MessageTypeRelayReply, net.ParseIP("2001:db8::1"), net.ParseIP("fe80::1"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		pkt  []byte
		want error
	}{
		{"empty", nil, dhcp.ErrMalformed},
		{"a header cut short", good[:3], dhcp.ErrMalformed},
		{"an option cut short", good[:len(good)-3], dhcp.ErrMalformed},
		{"a Solicit", reply6(t, dhcpv6.MessageTypeSolicit), dhcp.ErrNotAnswer},
		{"a Relay-reply", relay.ToBytes(), dhcp.ErrNotAnswer},
		{"sub-option 1 of 15 bytes", reply6(t, dhcpv6.MessageTypeReply, vendorOpts(9, &dhcpv6.OptionGeneric{OptionCode: 1, OptionData: make([]byte, 15)})), dhcp.ErrMalformed},
		{"sub-option 1 empty", reply6(t, dhcpv6.MessageTypeReply, vendorOpts(9, &dhcpv6.OptionGeneric{OptionCode: 1})), dhcp.ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := dhcp.FromV6(c.pkt)
			if !errors.Is(err, c.want) {
				t.Fatalf("FromV6 = %+v, %v; want %v", a, err, c.want)
			}
		})
	}
}

func mustMessage(t testing.TB, b []byte) *dhcpv6.Message {
	t.Helper()
	m, err := dhcpv6.MessageFromBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
