package device_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/assembly"
	"cmtftp/internal/device"
	"cmtftp/internal/domain"
)

// stormSite is the demo site with n 7961 SCCP phones 0011AA000001 ….
func stormSite(n int) *domain.Site {
	site := domain.DemoSite()
	for i := 1; i <= n; i++ {
		site.Devices = append(site.Devices, &domain.Device{MAC: fmt.Sprintf("0011AA%06X", i), Model: "7961", Protocol: "SCCP", Pool: "Demo-Pool"})
	}
	return site
}

// TestStorm: 300 devices of the database boot at once, 50 at a time, and
// every one ends configured; the progress callback ends at 300.
func TestStorm(t *testing.T) {
	s := startServer(t, stormSite(300), nil, assembly.Config{})
	var last device.StormProgress
	calls := 0
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r, err := device.Storm(ctx, device.StormConfig{
		// A phone's timers: 300 devices at once on a loaded machine (the
		// race detector) may wait for the server longer than quick's.
		Device: device.Config{Model: "7961", Protocol: "SCCP", Servers: []netip.AddrPort{s.tftp}},
		N:      300, MACPrefix: "0011aa", Concurrency: 50,
		Progress: func(p device.StormProgress) { last = p; calls++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Configured != 300 || len(r.Durations) != 300 || len(r.Failures) != 0 {
		t.Fatalf("%d of %d configured, failures %v %v", r.Configured, r.Total, r.Failures, r.Examples)
	}
	if r.P50 <= 0 || r.P50 > r.P99 || r.P99 > r.Max || r.Max > r.Took {
		t.Errorf("p50 %v, p99 %v, max %v, took %v", r.P50, r.P99, r.Max, r.Took)
	}
	if calls == 0 || last.Done != 300 || last.Configured != 300 || last.Total != 300 {
		t.Errorf("%d progress calls, the last %+v", calls, last)
	}
}

// TestStormFailures: devices that cannot boot are counted by cause: the
// storm's devices are not in this database, and a 7905 has no default
// profile to fall back to.
func TestStormFailures(t *testing.T) {
	s := startServer(t, domain.DemoSite(), nil, assembly.Config{})
	r, err := device.Storm(context.Background(), device.StormConfig{
		Device: device.Config{Model: "7905", Protocol: "SIP", Servers: []netip.AddrPort{s.tftp}},
		N:      20, MACPrefix: "0011AA", Concurrency: 5,
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || r.Failed != 20 || r.Failures[device.CauseNoConfig] != 20 || r.Examples[device.CauseNoConfig] == "" {
		t.Fatalf("failed %d, by cause %v", r.Failed, r.Failures)
	}
}

// TestStormConfig: what a storm cannot play is an error naming what is
// wrong; a negative number is such an error, never a default.
func TestStormConfig(t *testing.T) {
	srv := []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:69")}
	storm := func(f func(*device.StormConfig)) device.StormConfig {
		c := device.StormConfig{Device: device.Config{Model: "7961", Servers: srv}, N: 1, MACPrefix: "0011AA"}
		f(&c)
		return c
	}
	for _, tc := range []struct {
		name string
		c    device.StormConfig
		want string
	}{
		{"no devices", storm(func(c *device.StormConfig) { c.N = 0 }), "storm of 0 devices"},
		{"negative devices", storm(func(c *device.StormConfig) { c.N = -1 }), "storm of -1 devices"},
		{"too many devices", storm(func(c *device.StormConfig) { c.N = 1 << 24 }), "storm of 16777216 devices"},
		{"bad prefix", storm(func(c *device.StormConfig) { c.MACPrefix = "0011A" }), "MAC prefix"},
		{"gateways", storm(func(c *device.StormConfig) {
			c.Device = device.Config{Kind: device.Gateway, Hostname: "gw", Servers: srv}
		}), "phones"},
		{"negative concurrency", storm(func(c *device.StormConfig) { c.Concurrency = -1 }), "concurrency -1"},
		{"negative deadline", storm(func(c *device.StormConfig) { c.Deadline = -time.Second }), "deadline -1s"},
		{"negative progress interval", storm(func(c *device.StormConfig) { c.ProgressEvery = -time.Second }), "progress interval -1s"},
		{"negative device retries", storm(func(c *device.StormConfig) { c.Device.Retries = -1 }), "retries -1"},
	} {
		_, err := device.Storm(context.Background(), tc.c)
		if !errors.Is(err, device.ErrConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrConfig saying %q", tc.name, err, tc.want)
		}
	}
}

// TestStormDeadline: a storm whose servers never answer ends at its
// deadline, every device counted canceled — those booting and those not
// started.
func TestStormDeadline(t *testing.T) {
	silent := newSilentServer(t)
	r, err := device.Storm(context.Background(), device.StormConfig{
		Device: device.Config{Model: "7961", Servers: []netip.AddrPort{silent.addr}, Timeout: 10 * time.Second},
		N:      10, MACPrefix: "0011AA", Concurrency: 2, Deadline: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Failed != 10 || r.Failures[device.CauseCanceled] != 10 {
		t.Fatalf("failed %d, by cause %v", r.Failed, r.Failures)
	}
}

// BenchmarkStorm boots b.N database devices (7961 SCCP: six requests
// each) against an in-process server, 200 at a time; it reports the boot
// time per device and the client's allocations; past 1000 devices the
// rest are not in the database and take XMLDefault.cnf.xml.
func BenchmarkStorm(b *testing.B) {
	s := startServer(b, stormSite(1000), nil, assembly.Config{})
	b.ReportAllocs()
	b.ResetTimer()
	r, err := device.Storm(context.Background(), device.StormConfig{
		Device: device.Config{Model: "7961", Protocol: "SCCP", Servers: []netip.AddrPort{s.tftp}},
		N:      b.N, MACPrefix: "0011AA", Concurrency: 200,
	})
	if err != nil || !r.OK() {
		b.Fatalf("%v %v %v", err, r.Failures, r.Examples)
	}
	b.ReportMetric(float64(r.P50.Microseconds()), "p50-µs")
	b.ReportMetric(float64(r.P99.Microseconds()), "p99-µs")
}
