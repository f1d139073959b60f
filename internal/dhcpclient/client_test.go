package dhcpclient

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"cmtftp/internal/dhcp"
)

// run runs a command the test needs, failing the test when it fails.
func run(t *testing.T, argv ...string) {
	t.Helper()
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", argv, err, out)
	}
}

// segment makes a network namespace holding one end of a veth pair, at
// 192.0.2.1/24, and leaves the other end, unconfigured and up, here; both
// go when the test ends. It returns the namespace and the local end.
func segment(t *testing.T) (ns, local string) {
	if os.Geteuid() != 0 {
		t.Fatal("this test builds a network namespace and needs root (scripts/test runs as root in CI)")
	}
	id := os.Getpid() % 100000
	ns, local, far := fmt.Sprintf("cmtftp-dhcpc-%d", id), fmt.Sprintf("dc%dd", id), fmt.Sprintf("dc%ds", id)
	exec.Command("ip", "netns", "del", ns).Run() // a leftover from a killed run
	exec.Command("ip", "link", "del", local).Run()
	run(t, "ip", "netns", "add", ns)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run(); exec.Command("ip", "link", "del", local).Run() })
	run(t, "ip", "link", "add", local, "type", "veth", "peer", "name", far)
	run(t, "ip", "link", "set", far, "netns", ns)
	run(t, "ip", "netns", "exec", ns, "ip", "addr", "add", "192.0.2.1/24", "dev", far)
	run(t, "ip", "netns", "exec", ns, "ip", "link", "set", far, "up")
	run(t, "ip", "link", "set", local, "up")
	return ns, far
}

// TestRequest4 leases an address from a real dnsmasq in a namespace that
// hands out option 150 and option 66, and checks the ACK comes back as
// the bytes the server sent: the options are there, in wire form.
func TestRequest4(t *testing.T) {
	ns, far := segment(t)
	local := far[:len(far)-1] + "d"
	dir := t.TempDir()
	srv := exec.Command("ip", "netns", "exec", ns, "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
		"--interface="+far, "--bind-interfaces", "--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0",
		"--dhcp-option=150,192.0.2.10,192.0.2.11", "--dhcp-option=66,tftp.example", "--dhcp-authoritative",
		"--dhcp-leasefile="+filepath.Join(dir, "leases"), "--pid-file="+filepath.Join(dir, "pid"))
	var log bytes.Buffer
	srv.Stdout, srv.Stderr = &log, &log
	if err := srv.Start(); err != nil {
		t.Fatalf("dnsmasq: %v (scripts/test installs dnsmasq-base)", err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	l, err := Request4(ctx, local, Options{Requested: []dhcpv4.OptionCode{dhcpv4.OptionTFTPServerName, dhcpv4.GenericOptionCode(150)},
		VendorClass: "Cisco Systems, Inc. IP Phone CP-7961G", Hostname: "SEP0011AABBCC01", Timeout: time.Second, Retries: 5})
	if err != nil {
		t.Fatalf("%v\ndnsmasq said:\n%s", err, log.String())
	}
	if !netip.MustParsePrefix("192.0.2.0/24").Contains(l.Addr.Addr()) || l.Addr.Bits() != 24 || l.Server != netip.MustParseAddr("192.0.2.1") {
		t.Errorf("lease %v from %v, want an address of 192.0.2.100-150/24 from 192.0.2.1", l.Addr, l.Server)
	}
	ack, err := dhcpv4.FromBytes(l.ACK)
	if err != nil {
		t.Fatalf("the raw ACK does not parse: %v", err)
	}
	if got, want := ack.Options.Get(dhcpv4.GenericOptionCode(150)), []byte{192, 0, 2, 10, 192, 0, 2, 11}; !bytes.Equal(got, want) {
		t.Errorf("option 150 = %v, want %v", got, want)
	}
	// dnsmasq ends string options with a NUL, as some servers do: the raw
	// bytes keep it, the decoder (internal/dhcp) trims it.
	if got := ack.Options.Get(dhcpv4.OptionTFTPServerName); strings.TrimRight(string(got), "\x00") != "tftp.example" {
		t.Errorf("option 66 = %q, want tftp.example", got)
	}
	if err := Configure(local, l.Addr); err != nil {
		t.Fatal(err)
	}
	if err := Configure(local, l.Addr); err != nil {
		t.Errorf("configuring the same address again: %v, want nil", err)
	}
	assertHasAddr(t, local, l.Addr)

	// The whole of it, as the emulator runs it: the phone's rules pick
	// option 150 over option 66 and keep its order.
	d, err := Discover(ctx, Ask{Iface: local, Device: dhcp.Phone, Options: Options{Timeout: time.Second, Retries: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Rule != dhcp.RuleOption150 || fmt.Sprint(d.Servers) != "[192.0.2.10 192.0.2.11]" || d.Lease == "" {
		t.Errorf("discovered %+v, want 192.0.2.10 and 192.0.2.11 by option 150", d)
	}
}

// assertHasAddr checks the interface carries addr.
func assertHasAddr(t *testing.T, iface string, addr netip.Prefix) {
	ifc, err := net.InterfaceByName(iface)
	if err != nil {
		t.Fatal(err)
	}
	as, _ := ifc.Addrs()
	for _, a := range as {
		if a.String() == addr.String() {
			return
		}
	}
	t.Errorf("%s has %v, want %v among them", iface, as, addr)
}

// TestRequest4NoServer: with nobody answering on the segment the exchange
// gives up with an error once the context ends.
func TestRequest4NoServer(t *testing.T) {
	_, far := segment(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if l, err := Request4(ctx, far[:len(far)-1]+"d", Options{Timeout: 500 * time.Millisecond, Retries: 2}); err == nil {
		t.Fatalf("got lease %+v with no server on the segment", l)
	}
	if _, err := Request4(ctx, "no-such-if0", Options{}); err == nil {
		t.Fatal("an interface that does not exist gave no error")
	}
}
