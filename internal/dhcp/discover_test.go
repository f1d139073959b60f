package dhcp_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"cmtftp/internal/dhcp"
)

// ips parses "A,B" into addresses ("" gives none).
func ips(t testing.TB, s string) []netip.Addr {
	t.Helper()
	var out []netip.Addr
	for _, f := range strings.Split(s, ",") {
		if f == "" {
			continue
		}
		out = append(out, netip.MustParseAddr(f))
	}
	return out
}

// dns is the names the table's resolver knows.
var dns = map[string]string{
	"CiscoCM1":         "10.9.9.1",
	"cm1.example":      "10.9.9.1",
	"tftp.example":     "10.1.1.1",
	"tftp-rr.example":  "10.1.1.1,10.1.1.2,10.1.1.3",
	"boot.example":     "10.2.2.2",
	"tftp6.example":    "2001:db8::66",
	"cisco-cm1-cname":  "10.9.9.1,10.9.9.2",
	"unresolved.local": "",
	// of both families, IPv4-mapped, zoned
	"tftp-mixed.example":  "2001:db8::66,10.1.1.1",
	"tftp-mapped.example": "::ffff:10.1.1.9",
	"boot6.example":       "2001:db8::22",
	"tftp6-zoned.example": "fe80::1%eth0,2001:db8::66",
}

type discoverCase struct {
	name    string // the sentence of the chapter the case checks
	a       dhcp.Answer
	l       dhcp.Local
	names   map[string]string // the resolver: names to "A,B"
	servers string
	rule    dhcp.Rule
	resolve string // Result.Name
	why     []string
	whyNot  []string // what Why must not say
	lookups string   // the names resolved, in order ("none": no look-up; "": not checked)
}

func resolverOf(t *testing.T, names map[string]string, asked *[]string) dhcp.Resolver {
	return func(name string) []netip.Addr {
		*asked = append(*asked, name)
		return ips(t, names[name])
	}
}

func runDiscover(t *testing.T, dev dhcp.Device, cases []discoverCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var asked []string
			names := c.names
			if names == nil {
				names = dns
			}
			got := dhcp.Discover(dev, c.a, c.l, resolverOf(t, names, &asked))
			if want := ips(t, c.servers); !slices.Equal(got.Servers, want) || got.Servers == nil {
				t.Errorf("servers %v, want %v", got.Servers, want)
			}
			if got.Rule != c.rule || got.Name != c.resolve {
				t.Errorf("rule %q name %q, want %q %q", got.Rule, got.Name, c.rule, c.resolve)
			}
			for _, w := range c.why {
				if !strings.Contains(got.Why, w) {
					t.Errorf("why %q\n  lacks %q", got.Why, w)
				}
			}
			for _, w := range c.whyNot {
				if strings.Contains(got.Why, w) {
					t.Errorf("why %q\n  says %q", got.Why, w)
				}
			}
			if !strings.HasSuffix(got.Why, ".") || strings.Contains(got.Why, "\n") {
				t.Errorf("why is not one sentence: %q", got.Why)
			}
			if c.lookups != "" && strings.Join(asked, ",") != strings.TrimPrefix(c.lookups, "none") {
				t.Errorf("looked up %q, want %q", asked, c.lookups)
			}
			t.Logf("asked %v; why: %s", asked, got.Why)
		})
	}
}
