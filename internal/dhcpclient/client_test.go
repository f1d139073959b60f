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
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"golang.org/x/sys/unix"

	"cmtftp/internal/dhcp"
)

// run runs a command the test needs, failing the test when it fails.
func run(t *testing.T, argv ...string) {
	t.Helper()
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", argv, err, out)
	}
}

// segment is a veth pair between two network namespaces the test makes:
// the server's end at 192.0.2.1/24, the device's end up and unconfigured.
// Nothing of it is in the host's namespace; it goes when the test ends.
type segment struct{ srvNS, devNS, srvIf, devIf string }

func newSegment(t *testing.T) segment {
	if os.Geteuid() != 0 {
		t.Fatal("this test builds network namespaces and needs root (scripts/test runs as root in CI)")
	}
	id := os.Getpid() % 100000
	s := segment{fmt.Sprintf("cmtftp-dcs-%d", id), fmt.Sprintf("cmtftp-dcd-%d", id), fmt.Sprintf("dc%ds", id), fmt.Sprintf("dc%dd", id)}
	for _, ns := range []string{s.srvNS, s.devNS} {
		exec.Command("ip", "netns", "del", ns).Run() // a leftover from a killed run
		run(t, "ip", "netns", "add", ns)
		t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	}
	run(t, "ip", "link", "add", s.srvIf, "netns", s.srvNS, "type", "veth", "peer", "name", s.devIf, "netns", s.devNS)
	run(t, "ip", "-n", s.srvNS, "addr", "add", "192.0.2.1/24", "dev", s.srvIf)
	run(t, "ip", "-n", s.srvNS, "link", "set", s.srvIf, "up")
	run(t, "ip", "-n", s.devNS, "link", "set", s.devIf, "up")
	return s
}

// inNS runs f on a goroutine whose OS thread is moved into the namespace
// ns: the sockets f's own goroutine opens (raw, UDP, netlink) live there,
// whichever goroutine later reads them — but not those other goroutines
// open (Go's resolver looks names up on goroutines of its own: the tests
// ask no DNS). The thread stays locked and ends with the goroutine, so no
// other goroutine ever runs in the namespace. f reports with t.Error
// (t.Fatal must not be called off the test's goroutine); a panic in f is
// reported too, so the cleanup that deletes the namespaces still runs.
func inNS(t *testing.T, ns string, f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("panic in namespace %s: %v", ns, p)
			}
		}()
		runtime.LockOSThread()
		fd, err := unix.Open("/run/netns/"+ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			t.Errorf("open namespace %s: %v", ns, err)
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			t.Errorf("enter namespace %s: %v", ns, err)
			return
		}
		f()
	}()
	<-done
}

// syncBuffer is a buffer a process writes while the test may read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// dnsmasq serves DHCPv4 on the segment with option 150 and option 66.
func dnsmasq(t *testing.T, s segment) *syncBuffer {
	dir := t.TempDir()
	srv := exec.Command("ip", "netns", "exec", s.srvNS, "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
		"--interface="+s.srvIf, "--bind-interfaces", "--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0",
		"--dhcp-option=150,192.0.2.10,192.0.2.11", "--dhcp-option=66,tftp.example", "--dhcp-authoritative",
		"--dhcp-leasefile="+filepath.Join(dir, "leases"), "--pid-file="+filepath.Join(dir, "pid"))
	var log syncBuffer
	srv.Stdout, srv.Stderr = &log, &log
	if err := srv.Start(); err != nil {
		t.Fatalf("dnsmasq: %v (scripts/test installs dnsmasq-base)", err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	return &log
}

// phone asks as a 7961 does, with timers for a test.
var phone = Options{Requested: []dhcpv4.OptionCode{dhcpv4.OptionTFTPServerName, dhcpv4.GenericOptionCode(150)},
	VendorClass: "Cisco Systems, Inc. IP Phone CP-7961G", Hostname: "SEP0011AABBCC01", Timeout: time.Second, Retries: 5}

// TestRequest4 leases an address from a real dnsmasq and checks the ACK
// comes back as the bytes the server sent: the options are there, in wire
// form; then the lease goes on the interface and off it again.
func TestRequest4(t *testing.T) {
	s := newSegment(t)
	log := dnsmasq(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	inNS(t, s.devNS, func() {
		l, err := Request4(ctx, s.devIf, phone)
		if err != nil {
			t.Errorf("%v\ndnsmasq said:\n%s", err, log.String())
			return
		}
		if !netip.MustParsePrefix("192.0.2.0/24").Contains(l.Addr.Addr()) || l.Addr.Bits() != 24 || l.Server != netip.MustParseAddr("192.0.2.1") {
			t.Errorf("lease %v from %v, want an address of 192.0.2.100-150/24 from 192.0.2.1", l.Addr, l.Server)
		}
		checkACK(t, l.ACK)
		checkConfigure(t, s.devIf, l.Addr)
	})
}

// checkACK checks the raw ACK holds options 150 and 66 as sent.
func checkACK(t *testing.T, raw []byte) {
	ack, err := dhcpv4.FromBytes(raw)
	if err != nil {
		t.Errorf("the raw ACK does not parse: %v", err)
		return
	}
	if got, want := ack.Options.Get(dhcpv4.GenericOptionCode(150)), []byte{192, 0, 2, 10, 192, 0, 2, 11}; !bytes.Equal(got, want) {
		t.Errorf("option 150 = %v, want %v", got, want)
	}
	// dnsmasq ends string options with a NUL, as some servers do: the raw
	// bytes keep it, the decoder (internal/dhcp) trims it.
	if got := ack.Options.Get(dhcpv4.OptionTFTPServerName); strings.TrimRight(string(got), "\x00") != "tftp.example" {
		t.Errorf("option 66 = %q, want tftp.example", got)
	}
}

// checkConfigure puts addr on iface (once: a second time adds nothing)
// and takes it off again.
func checkConfigure(t *testing.T, iface string, addr netip.Prefix) {
	if added, err := Configure(iface, addr); err != nil || !added {
		t.Errorf("Configure: added %v, %v; want added", added, err)
	}
	if added, err := Configure(iface, addr); err != nil || added {
		t.Errorf("Configure again: added %v, %v; want nothing added and no error", added, err)
	}
	if !hasAddr(iface, addr) {
		t.Errorf("%s does not carry %v", iface, addr)
	}
	if err := Unconfigure(iface, addr); err != nil || hasAddr(iface, addr) {
		t.Errorf("Unconfigure: %v; still there: %v", err, hasAddr(iface, addr))
	}
}

// hasAddr reports whether the interface carries addr.
func hasAddr(iface string, addr netip.Prefix) bool {
	ifc, err := net.InterfaceByName(iface)
	if err != nil {
		return false
	}
	as, _ := ifc.Addrs()
	for _, a := range as {
		if a.String() == addr.String() {
			return true
		}
	}
	return false
}

// TestDiscover is the whole of it, as the emulator runs it: the phone's
// rules pick option 150 over option 66 and keep its order, the lease is on
// the interface until Release.
func TestDiscover(t *testing.T) {
	s := newSegment(t)
	dnsmasq(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	inNS(t, s.devNS, func() {
		b, err := Discover(ctx, Ask{Iface: s.devIf, Device: dhcp.Phone, Options: phone, NoDNS: true})
		if err != nil {
			t.Error(err)
			return
		}
		d := b.Discovery
		if d.Rule != dhcp.RuleOption150 || fmt.Sprint(d.Servers) != "[192.0.2.10 192.0.2.11]" || d.Lease != b.Addr.String() || d.Server != "192.0.2.1" {
			t.Errorf("discovered %+v, want 192.0.2.10 and 192.0.2.11 by option 150 from 192.0.2.1", d)
		}
		if !hasAddr(s.devIf, b.Addr) {
			t.Errorf("the lease %v is not on %s", b.Addr, s.devIf)
		}
		if err := b.Release(); err != nil || hasAddr(s.devIf, b.Addr) {
			t.Errorf("Release: %v; the lease still on the interface: %v", err, hasAddr(s.devIf, b.Addr))
		}
	})
}

// TestRequest4NoServer: with nobody answering on the segment the exchange
// gives up with an error once the context ends; a missing interface is
// an error at once.
func TestRequest4NoServer(t *testing.T) {
	s := newSegment(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	inNS(t, s.devNS, func() {
		if l, err := Request4(ctx, s.devIf, Options{Timeout: 500 * time.Millisecond, Retries: 2}); err == nil {
			t.Errorf("got lease %+v with no server on the segment", l)
		}
		if _, err := Request4(ctx, "no-such-if0", Options{}); err == nil {
			t.Error("an interface that does not exist gave no error")
		}
	})
}

// TestBoundServers: the servers found get the TFTP port, in order; a
// link-local IPv6 one is reached on the lease's interface.
func TestBoundServers(t *testing.T) {
	b := &Bound{iface: "eth7", Discovery: &dhcp.Discovery{Result: dhcp.Result{Servers: []netip.Addr{
		netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("fe80::1"), netip.MustParseAddr("fe80::2%eth9")}}}}
	got := fmt.Sprint(b.Servers(69))
	if want := "[[2001:db8::1]:69 [fe80::1%eth7]:69 [fe80::2%eth9]:69]"; got != want {
		t.Errorf("servers %s, want %s", got, want)
	}
}
