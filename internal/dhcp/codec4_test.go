package dhcp_test

import (
	"errors"
	"net"
	"net/netip"
	"slices"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"cmtftp/internal/dhcp"
)

// ack builds a DHCPACK with the library, with the given sname, siaddr and
// options (the library writes options sorted by code).
func ack(t testing.TB, sname, siaddr string, opts ...dhcpv4.Option) []byte {
	t.Helper()
	mods := []dhcpv4.Modifier{dhcpv4.WithMessageType(dhcpv4.MessageTypeAck), dhcpv4.WithHwAddr(net.HardwareAddr{0, 0x11, 0x22, 0x33, 0x44, 0x55})}
	for _, o := range opts {
		mods = append(mods, dhcpv4.WithOption(o))
	}
	if siaddr != "" {
		mods = append(mods, dhcpv4.WithServerIP(net.ParseIP(siaddr)))
	}
	p, err := dhcpv4.New(mods...)
	if err != nil {
		t.Fatal(err)
	}
	p.OpCode = dhcpv4.OpcodeBootReply
	p.ServerHostName = sname
	return p.ToBytes()
}

// withOptions replaces the options area of a packet the library built
// with raw option bytes, in the order given (the library sorts options;
// the order question needs another order). An End is appended.
func withOptions(t testing.TB, pkt []byte, raw ...byte) []byte {
	t.Helper()
	out := slices.Clone(pkt[:240])
	return append(append(out, raw...), 255)
}

// withField overwrites the sname (at 44, 64 bytes) or file (at 108, 128
// bytes) field with b.
func withField(pkt []byte, at, size int, b []byte) []byte {
	out := slices.Clone(pkt)
	clear(out[at : at+size])
	copy(out[at:], b)
	return out
}

func TestFromV4(t *testing.T) {
	a150 := dhcp.Option150(ips(t, "10.0.0.1,10.0.0.2,2001:db8::1,10.0.0.3"))
	msgAck := []byte{53, 1, 5}
	base := ack(t, "", "")
	cases := []struct {
		name string
		pkt  []byte
		want dhcp.Answer
	}{
		{"option 150, option 66, siaddr and sname, built by the library",
			ack(t, "boot.example", "10.0.0.9", a150, dhcp.Option66("tftp.example")),
			dhcp.Answer{Opt150: ips(t, "10.0.0.1,10.0.0.2,10.0.0.3"), Opt66: "tftp.example", Opt150Last: true, Siaddr: netip.MustParseAddr("10.0.0.9"), Sname: "boot.example"}},
		{"nothing about TFTP", ack(t, "", ""), dhcp.Answer{}},
		{"siaddr 0.0.0.0 is absent", ack(t, "", "0.0.0.0"), dhcp.Answer{}},
		{"66 before 150 in the option list",
			withOptions(t, base, append(append(msgAck, 66, 4, '1', '.', '2', '3'), 150, 4, 10, 0, 0, 1)...),
			dhcp.Answer{Opt150: ips(t, "10.0.0.1"), Opt66: "1.23", Opt150Last: true}},
		{"66 after 150 in the option list",
			withOptions(t, base, append(append(msgAck, 150, 4, 10, 0, 0, 1), 66, 3, 'a', '.', 'b')...),
			dhcp.Answer{Opt150: ips(t, "10.0.0.1"), Opt66: "a.b", Opt66Last: true}},
		{"pads between options and a trailing NUL in 66",
			withOptions(t, base, append(append(msgAck, 0, 0, 150, 4, 10, 0, 0, 1, 0), 66, 4, 'a', '.', 'b', 0)...),
			dhcp.Answer{Opt150: ips(t, "10.0.0.1"), Opt66: "a.b", Opt66Last: true}},
		{"option 150 split in two instances is concatenated (RFC 3396); its first place counts",
			withOptions(t, base, append(append(msgAck, 150, 4, 10, 0, 0, 1, 66, 1, 'x'), 150, 4, 10, 0, 0, 2)...),
			dhcp.Answer{Opt150: ips(t, "10.0.0.1,10.0.0.2"), Opt66: "x", Opt66Last: true}},
		{"fuzz crasher: option 150 holding 0.0.0.0 is kept as it is (Discover leaves it out)",
			withOptions(t, base, append(msgAck, 150, 8, 0, 0, 0, 0, 10, 0, 0, 1)...),
			dhcp.Answer{Opt150: ips(t, "0.0.0.0,10.0.0.1")}},
		{"option 66 in the sname field under overload 2: no sname then",
			withField(withOptions(t, base, append(msgAck, 52, 1, 2)...), 44, 64, []byte{66, 12, 't', 'f', 't', 'p', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', 255}),
			dhcp.Answer{Opt66: "tftp.example"}},
		{"option 150 in the file field under overload 1, sname kept",
			withField(withField(withOptions(t, base, append(msgAck, 52, 1, 1)...), 108, 128, []byte{150, 4, 10, 0, 0, 7, 255}), 44, 64, []byte("boot.example")),
			dhcp.Answer{Opt150: ips(t, "10.0.0.7"), Sname: "boot.example"}},
		{"overload 3: options, then file, then sname; 66 in sname comes last",
			withField(withField(withOptions(t, base, append(msgAck, 52, 1, 3)...), 44, 64, []byte{66, 1, 'n'}), 108, 128, []byte{150, 4, 10, 0, 0, 7}),
			dhcp.Answer{Opt150: ips(t, "10.0.0.7"), Opt66: "n", Opt66Last: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := dhcp.FromV4(c.pkt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Opt150, c.want.Opt150) || got.Opt66 != c.want.Opt66 || got.Opt66Last != c.want.Opt66Last || got.Opt150Last != c.want.Opt150Last ||
				got.Siaddr != c.want.Siaddr || got.Sname != c.want.Sname {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestFromV4Errors(t *testing.T) {
	msgAck := []byte{53, 1, 5}
	base := ack(t, "", "")
	request := slices.Clone(base)
	request[0] = 1
	badCookie := slices.Clone(base)
	badCookie[236] = 0
	cases := []struct {
		name string
		pkt  []byte
		want error
	}{
		{"empty", nil, dhcp.ErrMalformed},
		{"short of the fixed part", base[:200], dhcp.ErrMalformed},
		{"bad magic cookie", badCookie, dhcp.ErrMalformed},
		{"no End option", base[:243], dhcp.ErrMalformed},
		{"a BOOTREQUEST", request, dhcp.ErrNotAnswer},
		{"option 150 of 5 bytes", withOptions(t, base, append(msgAck, 150, 5, 10, 0, 0, 1, 2)...), dhcp.ErrMalformed},
		{"option 150 empty", withOptions(t, base, append(msgAck, 150, 0)...), dhcp.ErrMalformed},
		{"option 52 of value 4", withOptions(t, base, append(msgAck, 52, 1, 4)...), dhcp.ErrMalformed},
		{"option 52 of two bytes", withOptions(t, base, append(msgAck, 52, 2, 1, 1)...), dhcp.ErrMalformed},
		{"an option running past the end of the overloaded sname field",
			withField(withOptions(t, base, append(msgAck, 52, 1, 2)...), 44, 64, append(make([]byte, 62), 66, 9)), dhcp.ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := dhcp.FromV4(c.pkt)
			if !errors.Is(err, c.want) {
				t.Fatalf("FromV4 = %+v, %v; want %v", a, err, c.want)
			}
		})
	}
}

func TestOption150And66(t *testing.T) {
	o := dhcp.Option150(ips(t, "192.0.2.1,::ffff:192.0.2.2,2001:db8::1"))
	if o.Code != dhcpv4.OptionTFTPServerAddress || string(o.Value.ToBytes()) != string([]byte{192, 0, 2, 1, 192, 0, 2, 2}) {
		t.Errorf("Option150 = %v % x", o.Code, o.Value.ToBytes())
	}
	o = dhcp.Option66("tftp.example")
	if o.Code != dhcpv4.OptionTFTPServerName || string(o.Value.ToBytes()) != "tftp.example" {
		t.Errorf("Option66 = %v %q", o.Code, o.Value.ToBytes())
	}
	req := dhcp.RequestedV4()
	for _, c := range []dhcpv4.OptionCode{dhcpv4.OptionSubnetMask, dhcpv4.OptionRouter, dhcpv4.OptionDomainNameServer,
		dhcpv4.OptionDomainName, dhcpv4.OptionTFTPServerName, dhcpv4.OptionTFTPServerAddress} {
		if !slices.Contains(req, c) {
			t.Errorf("RequestedV4 %v lacks %v", req, c)
		}
	}
}
