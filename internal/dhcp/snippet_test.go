package dhcp_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"cmtftp/internal/dhcp"
)

func TestSnippet(t *testing.T) {
	v4, v6 := ips(t, "192.0.2.10,192.0.2.11"), ips(t, "2001:db8::10,2001:db8::11")
	cases := []struct {
		f    dhcp.Format
		v6   bool
		want []string
	}{
		{dhcp.FormatISC, false, []string{"option tftp-servers code 150 = array of ip-address;\n", "option tftp-servers 192.0.2.10, 192.0.2.11;\n"}},
		{dhcp.FormatISC, true, []string{"option vsio.cisco code 9 = encapsulate cisco;\n", "option cisco.tftp-servers code 1 = array of ip6-address;\n", "option cisco.tftp-servers 2001:db8::10, 2001:db8::11;\n"}},
		{dhcp.FormatKea, false, []string{`"code": 150, "space": "dhcp4", "type": "ipv4-address", "array": true`, `"data": "192.0.2.10, 192.0.2.11"`, `"Dhcp4"`}},
		{dhcp.FormatKea, true, []string{`"space": "vendor-9", "type": "ipv6-address", "array": true`, `{ "name": "vendor-opts", "data": "9", "always-send": true }`, `"data": "2001:db8::10, 2001:db8::11", "always-send": true`, `"data": "2001:db8::10, 2001:db8::11"`, `"Dhcp6"`}},
		{dhcp.FormatDnsmasq, false, []string{"dhcp-option=150,192.0.2.10,192.0.2.11\n"}},
		{dhcp.FormatDnsmasq, true, []string{"dhcp-option=vi-encap:9,option6:1,[2001:db8::10],[2001:db8::11]\n"}},
	}
	for _, c := range cases {
		servers := v4
		if c.v6 {
			servers = v6
		}
		got, err := dhcp.Snippet(c.f, servers, c.v6)
		if err != nil {
			t.Fatalf("%s v6=%v: %v", c.f, c.v6, err)
		}
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s v6=%v:\n%s\nlacks %q", c.f, c.v6, got, w)
			}
		}
	}
}

func TestSnippetErrors(t *testing.T) {
	cases := []struct {
		name    string
		f       dhcp.Format
		servers []netip.Addr
		v6      bool
		want    error
		text    string
	}{
		{"no server", dhcp.FormatISC, nil, false, dhcp.ErrAddress, "no TFTP server"},
		{"IPv6 for option 150", dhcp.FormatKea, ips(t, "192.0.2.1,2001:db8::1"), false, dhcp.ErrAddress, "use --v6"},
		{"IPv4 for DHCPv6", dhcp.FormatDnsmasq, ips(t, "192.0.2.1"), true, dhcp.ErrAddress, "drop --v6"},
		{"IPv4-mapped for DHCPv6", dhcp.FormatISC, ips(t, "::ffff:192.0.2.1"), true, dhcp.ErrAddress, "not an IPv6"},
		{"unspecified", dhcp.FormatISC, ips(t, "0.0.0.0"), false, dhcp.ErrAddress, "not a server"},
		{"zero address", dhcp.FormatISC, []netip.Addr{{}}, false, dhcp.ErrAddress, "not a server"},
		{"a zone", dhcp.FormatISC, []netip.Addr{netip.MustParseAddr("fe80::1%eth0")}, true, dhcp.ErrAddress, "zone"},
		{"unknown format", dhcp.Format("bind"), ips(t, "192.0.2.1"), false, dhcp.ErrUnknownFormat, "isc, kea or dnsmasq"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := dhcp.Snippet(c.f, c.servers, c.v6)
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) {
				t.Fatalf("Snippet = %q, %v; want %v with %q", s, err, c.want, c.text)
			}
		})
	}
}

func TestParseFormatAndDevice(t *testing.T) {
	for in, want := range map[string]dhcp.Format{"isc": dhcp.FormatISC, "Kea": dhcp.FormatKea, " dnsmasq ": dhcp.FormatDnsmasq} {
		if f, err := dhcp.ParseFormat(in); err != nil || f != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, f, err)
		}
	}
	if _, err := dhcp.ParseFormat("bind"); !errors.Is(err, dhcp.ErrUnknownFormat) {
		t.Errorf("ParseFormat(bind): %v", err)
	}
	for in, want := range map[string]dhcp.Device{"phone": dhcp.Phone, "GATEWAY": dhcp.Gateway} {
		if d, err := dhcp.ParseDevice(in); err != nil || d != want || !strings.EqualFold(d.String(), in) {
			t.Errorf("ParseDevice(%q) = %v, %v", in, d, err)
		}
	}
	if _, err := dhcp.ParseDevice("router"); !errors.Is(err, dhcp.ErrUnknownDevice) {
		t.Errorf("ParseDevice(router): %v", err)
	}
}
