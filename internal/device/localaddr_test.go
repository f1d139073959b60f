package device_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"testing"

	"cmtftp/internal/assembly"
	"cmtftp/internal/device"
	"cmtftp/internal/domain"
)

// TestLocalAddr: with LocalAddr set, the device's requests leave from it,
// over TFTP and over HTTP, as the server's timeline of the device shows;
// without it they leave from the address the system picks (127.0.0.1 to a
// server on 127.0.0.1).
func TestLocalAddr(t *testing.T) {
	for _, tc := range []struct {
		name  string
		via   device.Via
		local string
		want  string
	}{
		{"tftp", device.ViaTFTP, "", "127.0.0.1"},
		{"tftp from 127.0.0.2", device.ViaTFTP, "127.0.0.2", "127.0.0.2"},
		{"http", device.ViaHTTP, "", "127.0.0.1"},
		{"http from 127.0.0.2", device.ViaHTTP, "127.0.0.2", "127.0.0.2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A server of its own: the timeline of a device is all it heard.
			s := startServer(t, domain.DemoSite(), nil, assembly.Config{AdminAddr: "127.0.0.1:0"})
			c := device.Config{MAC: "0000DE000001", Model: "7961", Servers: []netip.AddrPort{s.tftp}, Via: tc.via, HTTPPort: s.httpPort}
			if tc.local != "" {
				c.LocalAddr = netip.MustParseAddr(tc.local)
			}
			r := boot(t, c)
			if !r.OK() {
				t.Fatalf("%s: %s\n%s", r.Cause, r.Detail, text(r))
			}
			entries := s.timeline(t, r.Device)
			own := false
			for _, e := range entries {
				own = own || e.Name == r.Config
				if e.Protocol != string(tc.via) {
					t.Errorf("%s over %s, want %s", e.Name, e.Protocol, tc.via)
				}
				if a, err := netip.ParseAddrPort(e.Client); err != nil || a.Addr().String() != tc.want {
					t.Errorf("%s came from %s, want %s", e.Name, e.Client, tc.want)
				}
			}
			if !own {
				t.Errorf("the server's timeline %+v has no %s", entries, r.Config)
			}
		})
	}
}

// TestMappedServer: a server given as [::ffff:127.0.0.1] is 127.0.0.1 —
// reachable from an IPv4 local address, its answers taken as its own —
// and the caller's list is left as it was.
func TestMappedServer(t *testing.T) {
	s := startServer(t, domain.DemoSite(), nil, assembly.Config{})
	mapped := netip.AddrPortFrom(netip.AddrFrom16(s.tftp.Addr().As16()), s.tftp.Port())
	servers := []netip.AddrPort{mapped}
	r := boot(t, device.Config{MAC: "0000DE000001", Model: "7961", Servers: servers, LocalAddr: netip.MustParseAddr("127.0.0.1")})
	if !r.OK() || r.Server != s.tftp.String() {
		t.Fatalf("%s from %q: %s, want configured from %s\n%s", r.Cause, r.Server, r.Detail, s.tftp, text(r))
	}
	if servers[0] != mapped {
		t.Errorf("the caller's server list became %v", servers)
	}
}

// TestStormSourceNet: with SourceNet each device of a storm sends from an
// address of its own, the i-th of the net, as the server's timeline of
// each device shows; a net too small for the storm is refused.
func TestStormSourceNet(t *testing.T) {
	s := startServer(t, stormSite(300), nil, assembly.Config{AdminAddr: "127.0.0.1:0"})
	// One boot first: the storm is about source addresses, and under the
	// race detector on a loaded machine a cold server's first builds (its
	// shared records loaded once) have kept a whole first wave of 50
	// waiting past its retries.
	if r := boot(t, device.Config{MAC: "0000DE000001", Model: "7961", Servers: []netip.AddrPort{s.tftp}}); !r.OK() {
		t.Fatalf("warm-up boot: %s: %s", r.Cause, r.Detail)
	}
	r, err := device.Storm(context.Background(), device.StormConfig{N: 300, MACPrefix: "0011AA", Concurrency: 50,
		SourceNet: netip.MustParsePrefix("127.1.0.0/16"),
		Device:    device.Config{Model: "7961", Protocol: "SCCP", Servers: []netip.AddrPort{s.tftp}}})
	if err != nil || !r.OK() {
		t.Fatalf("%v %v %v", err, r.Failures, r.Examples)
	}
	for _, i := range []int{1, 255, 256, 300} {
		want := netip.AddrFrom4([4]byte{127, 1, byte(i >> 8), byte(i)}).String()
		entries := s.timeline(t, fmt.Sprintf("SEP0011AA%06X", i))
		if len(entries) == 0 {
			t.Fatalf("device %d: no timeline", i)
		}
		for _, e := range entries {
			if a, err := netip.ParseAddrPort(e.Client); err != nil || a.Addr().String() != want {
				t.Errorf("device %d: %s came from %s, want %s", i, e.Name, e.Client, want)
			}
		}
	}
	_, err = device.Storm(context.Background(), device.StormConfig{N: 300, MACPrefix: "0011AA", SourceNet: netip.MustParsePrefix("127.1.0.0/24"),
		Device: device.Config{Model: "7961", Servers: []netip.AddrPort{s.tftp}}})
	if !errors.Is(err, device.ErrConfig) {
		t.Errorf("a /24 for 300 devices: %v, want ErrConfig", err)
	}
}
