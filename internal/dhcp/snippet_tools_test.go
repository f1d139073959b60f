package dhcp_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"cmtftp/internal/dhcp"
)

// A minimal full configuration for each server, around a snippet: a made-up
// subnet on a documentation range, leases kept in the test's directory.
var configs = map[string]string{
	"isc4": "default-lease-time 600;\nmax-lease-time 7200;\nauthoritative;\n%s\n" +
		"subnet 192.0.2.0 netmask 255.255.255.0 {\n  range 192.0.2.100 192.0.2.200;\n}\n",
	"isc6": "default-lease-time 600;\n%s\nsubnet6 2001:db8::/64 {\n  range6 2001:db8::100 2001:db8::1ff;\n}\n",
	"kea4": `{ "Dhcp4": {
%s,
"interfaces-config": { "interfaces": [] },
"lease-database": { "type": "memfile", "name": "LEASES", "lfc-interval": 0 },
"subnet4": [ { "subnet": "192.0.2.0/24", "pools": [ { "pool": "192.0.2.100 - 192.0.2.200" } ] } ]
} }
`,
	"kea6": `{ "Dhcp6": {
%s,
"interfaces-config": { "interfaces": [] },
"lease-database": { "type": "memfile", "name": "LEASES", "lfc-interval": 0 },
"subnet6": [ { "subnet": "2001:db8::/64", "pools": [ { "pool": "2001:db8::100 - 2001:db8::1ff" } ] } ]
} }
`,
	"dnsmasq4": "port=0\ndhcp-leasefile=LEASES\ndhcp-range=192.0.2.100,192.0.2.200,255.255.255.0\n%s",
	"dnsmasq6": "port=0\ndhcp-leasefile=LEASES\ndhcp-range=2001:db8::100,2001:db8::1ff,64\n%s",
}

// checker runs a server's own configuration check on file.
type checker struct {
	config string
	tool   string
	args   func(file, leases string) []string
}

func checkerFor(f dhcp.Format, v6 bool) checker {
	fam := map[bool]string{false: "4", true: "6"}[v6]
	switch f {
	case dhcp.FormatISC:
		return checker{"isc" + fam, "dhcpd", func(file, leases string) []string {
			return append(map[bool][]string{true: {"-6"}}[v6], "-t", "-q", "-cf", file, "-lf", leases)
		}}
	case dhcp.FormatKea:
		return checker{"kea" + fam, "kea-dhcp" + fam, func(file, _ string) []string { return []string{"-t", file} }}
	}
	return checker{"dnsmasq" + fam, "dnsmasq", func(file, _ string) []string { return []string{"--test", "-C", file} }}
}

// tool finds a server binary on PATH or in /usr/sbin, and fails loudly
// when it is missing: scripts/test installs it.
func tool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if p := filepath.Join("/usr/sbin", name); isExec(p) {
		return p
	}
	t.Fatalf("%s is not installed; ./scripts/test installs it (apt-get)", name)
	return ""
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode()&0o111 != 0
}

// check writes snippet into its server's minimal configuration and runs the
// server's check on it.
func check(t *testing.T, f dhcp.Format, v6 bool, snippet string) (string, error) {
	t.Helper()
	c := checkerFor(f, v6)
	dir := t.TempDir()
	leases := filepath.Join(dir, "leases")
	if err := os.WriteFile(leases, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	conf := strings.ReplaceAll(strings.Replace(configs[c.config], "%s", snippet, 1), "LEASES", leases)
	file := filepath.Join(dir, "server.conf")
	if err := os.WriteFile(file, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool(t, c.tool), c.args(file, leases)...).CombinedOutput()
	return string(out), err
}

// TestSnippetsAcceptedByServers: every snippet passes the real server's
// configuration check (dhcpd -t, dhcpd -6 -t, kea-dhcp4 -t, kea-dhcp6 -t,
// dnsmasq --test), and a broken copy of it does not, which proves the
// check can fail.
func TestSnippetsAcceptedByServers(t *testing.T) {
	breaks := map[dhcp.Format][2]string{
		dhcp.FormatISC:     {"array of ip", "array of ipp"},
		dhcp.FormatKea:     {`"array": true`, `"array": yes`},
		dhcp.FormatDnsmasq: {"dhcp-option=", "dhcp-opton="},
	}
	for _, f := range []dhcp.Format{dhcp.FormatISC, dhcp.FormatKea, dhcp.FormatDnsmasq} {
		for _, v6 := range []bool{false, true} {
			servers := ips(t, "192.0.2.10,192.0.2.11")
			if v6 {
				servers = ips(t, "2001:db8::10,2001:db8::11")
			}
			t.Run(string(f)+map[bool]string{false: "-v4", true: "-v6"}[v6], func(t *testing.T) {
				snippet, err := dhcp.Snippet(f, servers, v6)
				if err != nil {
					t.Fatal(err)
				}
				if out, err := check(t, f, v6, snippet); err != nil {
					t.Fatalf("the server refuses the snippet (%v):\n%s\n%s", err, snippet, out)
				}
				b := breaks[f]
				broken := strings.Replace(snippet, b[0], b[1], 1)
				if broken == snippet {
					t.Fatalf("the break %q is not in the snippet", b[0])
				}
				if out, err := check(t, f, v6, broken); err == nil {
					t.Fatalf("the server accepts a broken snippet, so the check proves nothing:\n%s\n%s", broken, out)
				}
			})
		}
	}
}
