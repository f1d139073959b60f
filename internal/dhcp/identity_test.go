package dhcp_test

import (
	"testing"

	"cmtftp/internal/dhcp"
)

func TestPhoneVendorClass(t *testing.T) {
	for _, c := range []struct{ model, want string }{
		{"7941", "Cisco Systems, Inc. IP Phone CP-7941G"},
		{"7961", "Cisco Systems, Inc. IP Phone CP-7961G"},
		{"8841", "Cisco Systems, Inc. IP Phone CP-8841G"},
		{"6921", "Cisco Systems, Inc. IP Phone CP-6921G"},
		{" 7970 ", "Cisco Systems, Inc. IP Phone CP-7970G"},
		{"7961G", "Cisco Systems, Inc. IP Phone CP-7961G"},
		{"7961g-ge", "Cisco Systems, Inc. IP Phone CP-7961G-GE"},
		{"CP-7942G", "Cisco Systems, Inc. IP Phone CP-7942G"},
		{"7921", "Cisco Systems Inc. Wireless Phone 7921"},
		{"7925", "Cisco Systems Inc. Wireless Phone 7925"},
		{"7920", "Cisco Systems, Inc. IP Phone CP-7920G"},
		{"12SP+", "Cisco Systems, Inc. IP Phone 12SP+"},
		{"30SP+", "Cisco Systems, Inc. IP Phone 30SP+"},
		{"30VIP", "Cisco Systems, Inc. IP Phone 30VIP"},
		{"ATA186", "Cisco Systems, Inc. IP Phone ATA186"},
		{"SCCP Phone", "Cisco Systems, Inc. IP Phone SCCP Phone"},
		{"79411", "Cisco Systems, Inc. IP Phone 79411"},
		{"7941GX", "Cisco Systems, Inc. IP Phone 7941GX"},
		{"", ""},
		{"  ", ""},
	} {
		if got := dhcp.PhoneVendorClass(c.model); got != c.want {
			t.Errorf("PhoneVendorClass(%q) = %q, want %q", c.model, got, c.want)
		}
	}
}

func TestPhoneHostname(t *testing.T) {
	for _, c := range []struct{ mac, want string }{
		{"001122AABBCC", "SEP001122AABBCC"},
		{"001122aabbcc", "SEP001122AABBCC"},
		{"0000DE000007", "SEP0000DE000007"},
		{"", ""},
		{"001122AABBC", ""},
		{"001122AABBCCD", ""},
		{"00:11:22:AA:BB:CC", ""},
		{"0011.22aa.bbcc", ""},
		{"001122AABBCG", ""},
		{" 001122AABBC", ""},
		{"SEP001122AAB", ""},
		{"00112２AABBCC", ""}, // a full-width digit
	} {
		if got := dhcp.PhoneHostname(c.mac); got != c.want {
			t.Errorf("PhoneHostname(%q) = %q, want %q", c.mac, got, c.want)
		}
	}
}
