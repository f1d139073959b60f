package dhcp_test

import (
	"errors"
	"net"
	"slices"
	"strings"
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
	sub := func(code uint16, b []byte) dhcpv6.Option {
		return &dhcpv6.OptionGeneric{OptionCode: dhcpv6.OptionCode(code), OptionData: b}
	}
	cases := []struct {
		name    string
		pkt     []byte
		servers string
		tftp    string
		notes   string // what Notes holds, joined by "; "
	}{
		{"a Reply with sub-options 1 and 2", reply6(t, dhcpv6.MessageTypeReply, dhcp.V6VendorOpts(servers, "tftp6.example")),
			"2001:db8::10,2001:db8::11", "tftp6.example", ""},
		{"an Advertise with sub-option 1 only", reply6(t, dhcpv6.MessageTypeAdvertise, dhcp.V6VendorOpts(servers, "")),
			"2001:db8::10,2001:db8::11", "", ""},
		{"the encoder leaves out IPv4 addresses", reply6(t, dhcpv6.MessageTypeReply, dhcp.V6VendorOpts(ips(t, "10.0.0.1,::ffff:10.0.0.2,2001:db8::10"), "")),
			"2001:db8::10", "", ""},
		{"another enterprise's vendor-opts are not Cisco's",
			reply6(t, dhcpv6.MessageTypeReply, vendorOpts(4491, &dhcpv6.OptionGeneric{OptionCode: 1, OptionData: make([]byte, 16)})), "", "", ""},
		{"Cisco's beside another enterprise's",
			reply6(t, dhcpv6.MessageTypeReply, vendorOpts(4491, &dhcpv6.OptionGeneric{OptionCode: 2, OptionData: []byte("x")}), dhcp.V6VendorOpts(nil, "cisco.example")), "", "cisco.example", ""},
		{"sub-option 1 twice: both kept, in order",
			reply6(t, dhcpv6.MessageTypeReply, vendorOpts(9, &dhcpv6.OptionGeneric{OptionCode: 1, OptionData: net.ParseIP("2001:db8::1")},
				&dhcpv6.OptionGeneric{OptionCode: 1, OptionData: net.ParseIP("2001:db8::2")}, &dhcpv6.OptionGeneric{OptionCode: 3, OptionData: []byte{1}})),
			"2001:db8::1,2001:db8::2", "", ""},
		{"no vendor-opts", reply6(t, dhcpv6.MessageTypeReply), "", "", ""},
		{"an IPv4-mapped address in sub-option 1 is read as the IPv4 address it holds",
			reply6(t, dhcpv6.MessageTypeReply, vendorOpts(9, sub(1, append(net.ParseIP("::ffff:10.0.0.1").To16(), net.ParseIP("2001:db8::1")...)))),
			"10.0.0.1,2001:db8::1", "", ""},
		{"an empty sub-option 1 is left out, and a valid sub-option 2 read",
			reply6(t, dhcpv6.MessageTypeReply, vendorOpts(9, sub(1, nil), sub(2, []byte("tftp6.example")))),
			"", "tftp6.example", "DHCPv6 Cisco sub-option 1 is empty, and is left out"},
		{"a sub-option 1 of 15 bytes is left out; another, valid, is read",
			reply6(t, dhcpv6.MessageTypeReply, vendorOpts(9, sub(1, make([]byte, 15)), sub(1, net.ParseIP("2001:db8::2")))),
			"2001:db8::2", "", "DHCPv6 Cisco sub-option 1 of 15 bytes is not a list of IPv6 addresses (16 bytes each), and is left out"},
		{"a sub-option 1 of 20 bytes is left out whole: its boundaries cannot be trusted",
			reply6(t, dhcpv6.MessageTypeReply, vendorOpts(9, sub(1, append(net.ParseIP("2001:db8::3").To16(), 10, 0, 0, 1)))),
			"", "", "DHCPv6 Cisco sub-option 1 of 20 bytes is not a list of IPv6 addresses (16 bytes each), and is left out"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := dhcp.FromV6(c.pkt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.V6Servers, ips(t, c.servers)) || a.V6Name != c.tftp || strings.Join(a.Notes, "; ") != c.notes || !a.V6 {
				t.Errorf("got %v %q %q V6 %v, want %s %q %q", a.V6Servers, a.V6Name, a.Notes, a.V6, c.servers, c.tftp, c.notes)
			}
			if a.Opt66 != "" || a.Opt150 != nil || a.Sname != "" || a.Siaddr.IsValid() {
				t.Errorf("DHCPv4 fields set from a DHCPv6 packet: %+v", a)
			}
		})
	}
}

// TestFromV6Discover: an empty sub-option 1 no longer hides a valid
// sub-option 2 from the phone, and Why says what was left out.
func TestFromV6Discover(t *testing.T) {
	pkt := reply6(t, dhcpv6.MessageTypeReply, vendorOpts(9, &dhcpv6.OptionGeneric{OptionCode: 1},
		&dhcpv6.OptionGeneric{OptionCode: 2, OptionData: []byte("2001:db8::67")}))
	a, err := dhcp.FromV6(pkt)
	if err != nil {
		t.Fatal(err)
	}
	r := dhcp.Discover(dhcp.Phone, a, dhcp.Local{}, nil)
	if !slices.Equal(r.Servers, ips(t, "2001:db8::67")) || r.Rule != dhcp.RuleV6Sub2 || !strings.Contains(r.Why, "sub-option 1 is empty, and is left out") {
		t.Errorf("Discover = %+v", r)
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
		{"a Cisco sub-option running past the end of option 17", cutSubOption(t), dhcp.ErrMalformed},
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

// cutSubOption is a Reply whose option 17 holds a sub-option 1 saying 16
// bytes and holding 4: the option's own framing is broken.
func cutSubOption(t testing.TB) []byte {
	data := []byte{0, 0, 0, 9, 0, 1, 0, 16, 1, 2, 3, 4}
	return reply6(t, dhcpv6.MessageTypeReply, &dhcpv6.OptionGeneric{OptionCode: dhcpv6.OptionVendorOpts, OptionData: data})
}

func mustMessage(t testing.TB, b []byte) *dhcpv6.Message {
	t.Helper()
	m, err := dhcpv6.MessageFromBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
