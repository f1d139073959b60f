package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// dhcpCmd runs "cmtftp dhcp ARGS" and returns its output and whether it
// succeeded.
func dhcpCmd(t *testing.T, args ...string) (string, bool) {
	t.Helper()
	out, err := exec.Command(binary, append([]string{"dhcp"}, args...)...).CombinedOutput()
	return string(out), err == nil
}

// TestDHCPExplain: the command an admin types prints the servers, the rule
// and why; no case here asks DNS (--no-dns, --resolve, --cisco-cm1).
func TestDHCPExplain(t *testing.T) {
	cases := []struct {
		name string
		args []string
		ok   bool
		want []string
	}{
		{"a phone takes option 150's first two addresses over option 66",
			[]string{"--device", "phone", "--opt150", "10.0.0.1,10.0.0.2,10.0.0.3", "--opt66", "tftp.example", "--no-dns"}, true,
			[]string{"servers: 10.0.0.1, 10.0.0.2\n", "rule:    option-150\n", `option 66 "tftp.example"`, "leave out 10.0.0.3"}},
		{"a phone's alternate TFTP overrides DHCP",
			[]string{"--device", "phone", "--opt150", "10.0.0.1", "--alt-tftp", "10.5.5.1,10.5.5.2", "--no-dns"}, true,
			[]string{"servers: 10.5.5.1, 10.5.5.2\n", "rule:    alt-tftp\n"}},
		{"a phone resolves an option 66 name to several addresses",
			[]string{"--device", "phone", "--opt66", "tftp.example", "--resolve", "tftp.example=10.1.1.1,10.1.1.2", "--no-dns"}, true,
			[]string{"servers: 10.1.1.1, 10.1.1.2\n", "rule:    option-66-name\n", "name:    tftp.example\n"}},
		{"a gateway with CiscoCM1 resolving",
			[]string{"--device", "gateway", "--siaddr", "10.0.0.9", "--cisco-cm1", "10.9.9.1"}, true,
			[]string{"servers: 10.9.9.1\n", "rule:    cisco-cm1\n", "siaddr 10.0.0.9"}},
		{"a gateway: a 66 address after 150 wins",
			[]string{"--device", "gateway", "--opt150", "10.0.0.1", "--opt66", "10.0.0.66", "--opt66-last", "--resolve", "CiscoCM1="}, true,
			[]string{"servers: 10.0.0.66\n", "rule:    option-66-address\n", "the later wins"}},
		{"a Catalyst 6000 gateway's own address",
			[]string{"--device", "gateway", "--catalyst", "10.6.6.6", "--opt150", "10.0.0.1", "--no-dns"}, true,
			[]string{"servers: 10.6.6.6\n", "rule:    catalyst-local\n"}},
		{"a phone on IPv6", []string{"--device", "phone", "--v6-tftp", "2001:db8::1", "--v6-tftp-name", "t6.example", "--no-dns"}, true,
			[]string{"servers: 2001:db8::1\n", "rule:    v6-suboption-1\n"}},
		{"NVRAM when nothing is available now", []string{"--device", "phone", "--nvram", "10.7.7.7", "--no-dns"}, true,
			[]string{"servers: 10.7.7.7\n", "rule:    nvram\n"}},
		{"nothing at all", []string{"--device", "gateway", "--no-dns"}, true, []string{"servers: (none)\n", "rule:    none\n"}},
		{"an unknown device", []string{"--device", "router"}, false, []string{"want phone or gateway"}},
		{"a bad address", []string{"--device", "phone", "--siaddr", "10.0.0"}, false, []string{`--siaddr: "10.0.0" is not an IP address`}},
		{"a bad --resolve", []string{"--device", "phone", "--resolve", "x"}, false, []string{"want NAME=A[,B]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, ok := dhcpCmd(t, append([]string{"explain"}, c.args...)...)
			if ok != c.ok {
				t.Fatalf("success %v, want %v:\n%s", ok, c.ok, out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestDHCPExplainJSON(t *testing.T) {
	out, ok := dhcpCmd(t, "explain", "--device", "phone", "--sname", "boot.example", "--resolve", "boot.example=10.2.2.2", "--no-dns", "--json")
	if !ok {
		t.Fatal(out)
	}
	var r struct {
		Servers []string
		Rule    string
		Name    string
		Why     string
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if strings.Join(r.Servers, ",") != "10.2.2.2" || r.Rule != "sname" || r.Name != "boot.example" || r.Why == "" {
		t.Errorf("got %+v", r)
	}
}

// TestDHCPSnippetAccepted: what "cmtftp dhcp snippet" prints, pasted into
// dhcpd.conf, passes dhcpd's own check.
func TestDHCPSnippetAccepted(t *testing.T) {
	dhcpd := "/usr/sbin/dhcpd"
	if _, err := os.Stat(dhcpd); err != nil {
		dhcpd = needTool(t, "dhcpd")
	}
	out, ok := dhcpCmd(t, "snippet", "--tftp", "192.0.2.10,192.0.2.11", "--format", "isc")
	if !ok || !strings.Contains(out, "option tftp-servers 192.0.2.10, 192.0.2.11;") {
		t.Fatalf("snippet:\n%s", out)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "dhcpd.conf")
	body := out + "subnet 192.0.2.0 netmask 255.255.255.0 {\n  range 192.0.2.100 192.0.2.200;\n}\n"
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(dhcpd, "-t", "-q", "-cf", conf, "-lf", filepath.Join(dir, "leases")).CombinedOutput(); err != nil {
		t.Fatalf("dhcpd -t refuses the snippet: %v\n%s\n%s", err, body, b)
	}
	for _, bad := range [][]string{
		{"--tftp", "2001:db8::1", "--format", "isc"},
		{"--tftp", "192.0.2.1", "--format", "isc", "--v6"},
		{"--tftp", "192.0.2.1", "--format", "bind"},
		{"--format", "kea"},
	} {
		if out, ok := dhcpCmd(t, append([]string{"snippet"}, bad...)...); ok {
			t.Errorf("snippet %v succeeded:\n%s", bad, out)
		}
	}
}
