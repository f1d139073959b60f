package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dhcpNet is a segment the test builds: a server namespace holding one end
// of a veth pair (192.0.2.1/24 and 2001:db8::1/64) and a device namespace
// holding the other end, up but unconfigured, as a phone's port is.
type dhcpNet struct {
	srvNS, devNS string
	srvIf, devIf string
}

// newDHCPNet builds the two namespaces; they go when the test ends.
func newDHCPNet(t *testing.T) dhcpNet {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("this test builds network namespaces and needs root (scripts/test runs as root in CI)")
	}
	id := os.Getpid() % 100000
	n := dhcpNet{srvNS: fmt.Sprintf("cmtftp-dhcps-%d", id), devNS: fmt.Sprintf("cmtftp-dhcpd-%d", id),
		srvIf: fmt.Sprintf("dh%ds", id), devIf: fmt.Sprintf("dh%dd", id)}
	for _, ns := range []string{n.srvNS, n.devNS} {
		exec.Command("ip", "netns", "del", ns).Run() // a leftover from a killed run
		run(t, "ip", "netns", "add", ns)
		t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	}
	run(t, "ip", "link", "add", n.srvIf, "netns", n.srvNS, "type", "veth", "peer", "name", n.devIf, "netns", n.devNS)
	for _, side := range [][2]string{{n.srvNS, n.srvIf}, {n.devNS, n.devIf}} {
		// No duplicate-address detection: the link-local addresses DHCPv6
		// needs are usable at once.
		run(t, "ip", "netns", "exec", side[0], "sysctl", "-qw", "net.ipv6.conf."+side[1]+".accept_dad=0")
		run(t, "ip", "netns", "exec", side[0], "ip", "link", "set", "lo", "up")
		run(t, "ip", "netns", "exec", side[0], "ip", "link", "set", side[1], "up")
	}
	run(t, "ip", "netns", "exec", n.srvNS, "ip", "addr", "add", "192.0.2.1/24", "dev", n.srvIf)
	run(t, "ip", "netns", "exec", n.srvNS, "ip", "addr", "add", "2001:db8::1/64", "dev", n.srvIf, "nodad")
	return n
}

// in prefixes argv with "ip netns exec NS".
func in(ns string, argv ...string) []string {
	return append([]string{"ip", "netns", "exec", ns}, argv...)
}

// daemon starts argv and stops it when the test ends; what it printed is
// logged when the test failed.
func daemon(t *testing.T, argv ...string) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("%v: %v", argv, err)
	}
	t.Cleanup(func() {
		stop(cmd)
		if t.Failed() {
			t.Logf("%v said:\n%s", argv, out.String())
		}
	})
}

// snippet runs "cmtftp dhcp snippet".
func snippet(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(binary, append([]string{"dhcp", "snippet"}, args...)...).Output()
	if err != nil {
		t.Fatalf("dhcp snippet %v: %v", args, err)
	}
	return string(out)
}

// writeConf writes a DHCP server's configuration into dir.
func writeConf(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// mergeKea puts the snippet's keys into a Kea server object.
func mergeKea(t *testing.T, snip string, server map[string]any) {
	t.Helper()
	var frag map[string]any
	if err := json.Unmarshal([]byte(snip), &frag); err != nil {
		t.Fatalf("the kea snippet is not a JSON object: %v\n%s", err, snip)
	}
	for k, v := range frag {
		server[k] = v
	}
}

// keaConf is a Kea configuration: top is "Dhcp4" or "Dhcp6".
func keaConf(t *testing.T, top string, server map[string]any) string {
	t.Helper()
	b, err := json.MarshalIndent(map[string]any{top: server}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// trimLines joins lines with newlines (for readable configuration text).
func trimLines(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

// simulated is what the test reads of "cmtftp simulate --json".
type simulated struct {
	Outcome   string `json:"outcome"`
	Discovery struct {
		Lease   string   `json:"lease"`
		Rule    string   `json:"rule"`
		Servers []string `json:"servers"`
	} `json:"discovery"`
	Steps []struct {
		Server string `json:"server"`
		Name   string `json:"name"`
	} `json:"steps"`
}

// phone7961 is the demo's 7961 on SCCP, as simulate's flags.
var phone7961 = []string{"--mac", "0000DE000001", "--model", "7961", "--protocol", "sccp"}

// simulateDHCP boots the demo's 7961 (or the device the extra flags name)
// in the device namespace with --dhcp on its port and returns what it
// reported.
func simulateDHCP(t *testing.T, n dhcpNet, extra ...string) simulated {
	t.Helper()
	if !slices.Contains(extra, "--device") {
		extra = append(extra, phone7961...)
	}
	argv := in(n.devNS, append([]string{binary, "simulate", "--dhcp", n.devIf, "--timeout", "1s", "--retries", "2", "--json"}, extra...)...)
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var r simulated
	if jerr := json.Unmarshal(out, &r); jerr != nil {
		t.Fatalf("simulate: %v, %v\n%s\n%s", err, jerr, out, stderr.String())
	}
	if err != nil || r.Outcome != "configured" {
		t.Fatalf("simulate: %v, outcome %q\n%s\n%s", err, r.Outcome, out, stderr.String())
	}
	// The lease came off the port when the boot ended: the next exchange
	// starts from an unconfigured port again.
	out, err = exec.Command("ip", "-n", n.devNS, "addr", "show", "dev", n.devIf, "scope", "global").Output()
	if lease, _, _ := strings.Cut(r.Discovery.Lease, "/"); err != nil || lease == "" || strings.Contains(string(out), lease+"/") {
		t.Errorf("after the boot the port still holds the lease %q: %s (%v)", r.Discovery.Lease, out, err)
		run(t, in(n.devNS, "ip", "addr", "flush", "dev", n.devIf, "scope", "global")...)
	}
	return r
}

// checkServers fails unless the device came out with exactly want, in order,
// by the rule, and fetched its first file from want[0].
func checkServers(t *testing.T, who string, r simulated, rule string, want ...string) {
	t.Helper()
	if strings.Join(r.Discovery.Servers, ",") != strings.Join(want, ",") || r.Discovery.Rule != rule {
		t.Errorf("%s: the device found TFTP servers %v by %q, want %v by %q", who, r.Discovery.Servers, r.Discovery.Rule, want, rule)
	}
	if len(r.Steps) == 0 || !strings.HasPrefix(r.Steps[0].Server, want[0]) && !strings.HasPrefix(r.Steps[0].Server, "["+want[0]+"]") {
		t.Errorf("%s: the first request went to %+v, want %s", who, r.Steps, want[0])
	}
}

// TestDHCPSnippetsServed: each DHCP server no one here wrote — ISC dhcpd,
// Kea and dnsmasq — is configured with the snippet "cmtftp dhcp snippet"
// prints, serves it in a namespace to the emulator acting as the phone's
// DHCP client, and the phone comes out with exactly the TFTP servers the
// snippet named, then boots from the first (a cmtftp serve --demo on it).
func TestDHCPSnippetsServed(t *testing.T) {
	for _, tool := range []string{"/usr/sbin/dhcpd", "/usr/sbin/kea-dhcp4", "/usr/sbin/kea-dhcp6"} {
		if _, err := os.Stat(tool); err != nil {
			t.Fatalf("%s is not installed; ./scripts/test installs it (apt-get)", tool)
		}
	}
	needTool(t, "dnsmasq")
	n := newDHCPNet(t)
	dir := t.TempDir()
	token := writeConf(t, dir, "token", "doctor-secret\n")
	startServeIn(t, dir, in(n.srvNS), 2, "--demo", "--tftp-addr", "192.0.2.1:69", "--tftp-addr", "[2001:db8::1]:69",
		"--admin-addr", "192.0.2.1:6980", "--admin-token-file", token)
	v4 := []string{"192.0.2.1", "192.0.2.2"}
	t.Run("isc", func(t *testing.T) {
		// next-server as well: the phone's precedence keeps option 150, the
		// gateway's puts siaddr first.
		conf := writeConf(t, dir, "dhcpd.conf", snippet(t, "--format", "isc", "--tftp", strings.Join(v4, ","))+
			trimLines("subnet 192.0.2.0 netmask 255.255.255.0 {", "  range 192.0.2.100 192.0.2.150;", "  next-server 192.0.2.1;", "}"))
		leases := writeConf(t, dir, "dhcpd.leases", "")
		daemon(t, in(n.srvNS, "/usr/sbin/dhcpd", "-4", "-f", "-d", "-cf", conf, "-lf", leases, "-pf", filepath.Join(dir, "dhcpd.pid"), n.srvIf)...)
		checkServers(t, "ISC dhcpd", simulateDHCP(t, n), "option-150", v4...)
		// CiscoCM1 would come first; here it does not resolve.
		// The demo's gateways, each booted as its family does: the VG224
		// (SKIGW and its ports' AN files), the MGCP ISR (its host name).
		vg := simulateDHCP(t, n, "--device", "gateway", "--model", "VG224", "--mac", "0000DE0000A1", "--no-dns")
		checkServers(t, "ISC dhcpd, an SCCP gateway", vg, "siaddr", v4[0])
		if len(vg.Steps) != 4 || vg.Steps[0].Name != "SKIGW00DE0000A1.cnf.xml" || vg.Steps[3].Name != "AN00DE0000A1202.cnf.xml" {
			t.Errorf("the VG224's requests: %+v", vg.Steps)
		}
		checkServers(t, "ISC dhcpd, an MGCP gateway", simulateDHCP(t, n, "--device", "gateway", "--model", "ISR4321",
			"--hostname", "isr4321.demo.example", "--no-dns"), "siaddr", v4[0])
		// cmtftp doctor, from the phones' network: the scope leads to the
		// site's TFTP server first; a doctor told of another server says
		// the scope does not lead there.
		if f := doctorDHCP(t, n, "192.0.2.1", true); !strings.Contains(f, "leads a phone to [192.0.2.1 192.0.2.2] first, by option-150") {
			t.Errorf("doctor's DHCP finding %q", f)
		}
		if f := doctorDHCP(t, n, "192.0.2.9", false); !strings.Contains(f, "not to 192.0.2.9") {
			t.Errorf("doctor's DHCP finding for another server %q", f)
		}
	})
	t.Run("kea", func(t *testing.T) {
		conf := writeConf(t, dir, "kea-dhcp4.conf", "{ \"Dhcp4\": {\n"+snippet(t, "--format", "kea", "--tftp", strings.Join(v4, ","))+
			",\n"+fmt.Sprintf(`"interfaces-config": { "interfaces": [ %q ], "dhcp-socket-type": "raw" },
"lease-database": { "type": "memfile", "persist": false },
"control-socket": { "socket-type": "unix", "socket-name": %q },
"subnet4": [ { "subnet": "192.0.2.0/24", "interface": %q, "pools": [ { "pool": "192.0.2.100 - 192.0.2.150" } ] } ]
} }`, n.srvIf, filepath.Join(dir, "kea4.sock"), n.srvIf))
		daemon(t, in(n.srvNS, "env", "KEA_PIDFILE_DIR="+dir, "KEA_LOCKFILE_DIR="+dir, "/usr/sbin/kea-dhcp4", "-c", conf)...)
		checkServers(t, "Kea", simulateDHCP(t, n), "option-150", v4...)
	})
	t.Run("dnsmasq", func(t *testing.T) {
		conf := writeConf(t, dir, "dnsmasq.conf", snippet(t, "--format", "dnsmasq", "--tftp", strings.Join(v4, ","))+
			trimLines("port=0", "interface="+n.srvIf, "bind-interfaces", "dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0",
				"dhcp-leasefile="+filepath.Join(dir, "dnsmasq.leases")))
		daemon(t, in(n.srvNS, "dnsmasq", "--no-daemon", "--conf-file="+conf, "--pid-file="+filepath.Join(dir, "dnsmasq.pid"))...)
		checkServers(t, "dnsmasq", simulateDHCP(t, n), "option-150", v4...)
	})
}

// TestDHCPv6SnippetsServed is TestDHCPSnippetsServed over DHCPv6: Kea,
// ISC dhcpd -6 and dnsmasq send the Cisco vendor option (17, enterprise 9) the
// snippet defines, sub-option 1 names the TFTP servers, and the phone
// boots from the first over IPv6.
func TestDHCPv6SnippetsServed(t *testing.T) {
	n := newDHCPNet(t)
	dir := t.TempDir()
	startServeIn(t, dir, in(n.srvNS), 1, "--demo", "--tftp-addr", "[2001:db8::1]:69")
	// The on-link prefix a router advertisement would give the phone.
	run(t, in(n.devNS, "ip", "-6", "route", "add", "2001:db8::/64", "dev", n.devIf)...)
	v6 := []string{"2001:db8::1", "2001:db8::2"}
	t.Run("kea", func(t *testing.T) {
		conf := writeConf(t, dir, "kea-dhcp6.conf", "{ \"Dhcp6\": {\n"+snippet(t, "--format", "kea", "--v6", "--tftp", strings.Join(v6, ","))+
			",\n"+fmt.Sprintf(`"interfaces-config": { "interfaces": [ %q ] },
"server-id": { "type": "LL", "persist": false },
"lease-database": { "type": "memfile", "persist": false },
"subnet6": [ { "subnet": "2001:db8::/64", "interface": %q, "pools": [ { "pool": "2001:db8::100 - 2001:db8::1ff" } ] } ]
} }`, n.srvIf, n.srvIf))
		daemon(t, in(n.srvNS, "env", "KEA_PIDFILE_DIR="+dir, "KEA_LOCKFILE_DIR="+dir, "/usr/sbin/kea-dhcp6", "-c", conf)...)
		checkServers(t, "Kea", simulateDHCP(t, n, "--v6"), "v6-suboption-1", v6...)
	})
	t.Run("isc", func(t *testing.T) {
		conf := writeConf(t, dir, "dhcpd6.conf", snippet(t, "--format", "isc", "--v6", "--tftp", strings.Join(v6, ","))+
			trimLines("subnet6 2001:db8::/64 {", "  range6 2001:db8::100 2001:db8::1ff;", "}"))
		leases := writeConf(t, dir, "dhcpd6.leases", "")
		daemon(t, in(n.srvNS, "/usr/sbin/dhcpd", "-6", "-f", "-d", "-cf", conf, "-lf", leases, "-pf", filepath.Join(dir, "dhcpd6.pid"), n.srvIf)...)
		checkServers(t, "ISC dhcpd -6", simulateDHCP(t, n, "--v6"), "v6-suboption-1", v6...)
	})
	t.Run("dnsmasq", func(t *testing.T) {
		conf := writeConf(t, dir, "dnsmasq6.conf", snippet(t, "--format", "dnsmasq", "--v6", "--tftp", strings.Join(v6, ","))+
			trimLines("port=0", "interface="+n.srvIf, "bind-interfaces", "dhcp-range=2001:db8::100,2001:db8::1ff,64",
				"dhcp-leasefile="+filepath.Join(dir, "dnsmasq6.leases")))
		daemon(t, in(n.srvNS, "dnsmasq", "--no-daemon", "--conf-file="+conf, "--pid-file="+filepath.Join(dir, "dnsmasq6.pid"))...)
		checkServers(t, "dnsmasq", simulateDHCP(t, n, "--v6"), "v6-suboption-1", v6...)
	})
}

// doctorDHCP runs "cmtftp doctor --dhcp" in the device namespace against
// the site (its admin API on 192.0.2.1 with a token) for the TFTP server
// tftp, and returns its DHCP finding.
func doctorDHCP(t *testing.T, n dhcpNet, tftp string, wantOK bool) string {
	t.Helper()
	argv := in(n.devNS, binary, "doctor", "--json", "--server", "http://192.0.2.1:6980", "--tftp", tftp, "--http-port", "-1",
		"--dhcp", n.devIf, "--timeout", "500ms")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "CMTFTP_ADMIN_TOKEN=doctor-secret")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var r doctorReport
	if jerr := json.Unmarshal(out, &r); jerr != nil || (err == nil) != wantOK {
		t.Fatalf("doctor --tftp %s: %v (want ok %v), %v\n%s%s", tftp, err, wantOK, jerr, out, stderr.String())
	}
	for _, f := range r.Findings {
		if f.Check == "DHCP" {
			return f.Detail
		}
	}
	return ""
}
