package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// BOpener opens a new, empty store for a benchmark.
type BOpener func(b *testing.B) store.Store

// BenchDeviceConfig measures loading one device with everything its files
// need (pool, group, servers, lines, dial plan, softkey template,
// parameters) from a warm store of 1,000 devices.
func BenchDeviceConfig(b *testing.B, open BOpener) {
	s := open(b)
	ctx := context.Background()
	site := Site()
	for i := 0; i < 1000; i++ {
		n := fmt.Sprintf("7%04d", i)
		site.Lines = append(site.Lines, &domain.Line{Number: n, DisplayName: "User " + n})
		site.Devices = append(site.Devices, &domain.Device{MAC: fmt.Sprintf("00AA0000%04X", i), Model: "7970", Protocol: "SIP", Pool: "HQ",
			SIPProfile: "Standard SIP", DialPlan: "dp79x1", SoftkeyTemplate: "Standard",
			Lines: []domain.Appearance{{Button: 1, Line: n}, {Button: 2, Line: "4100"}}})
	}
	if _, err := s.Apply(ctx, site); err != nil {
		b.Fatal(err)
	}
	names := make([]string, 1000)
	for i := range names {
		names[i] = fmt.Sprintf("SEP00AA0000%04X", i)
	}
	for _, n := range names { // warm
		if _, err := s.DeviceConfig(ctx, n); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c, err := s.DeviceConfig(ctx, names[i%len(names)])
		if err != nil || len(c.Lines) != 2 || c.DialPlan == nil || c.Softkey == nil || len(c.Servers) != 2 {
			b.Fatalf("config: %+v %v", c, err)
		}
	}
}

// BenchChangeLatency measures the time from a committed write to the
// change event reaching a reader of the feed on the same store; it reports
// p50 and p99.
func BenchChangeLatency(b *testing.B, open BOpener) {
	s := open(b)
	BenchChangeLatencyOtherWriter(b, s, s)
}

// BenchChangeLatencyOtherWriter is BenchChangeLatency with the write made
// through a second, independent store handle (another server of the
// cluster, or an admin's SQL session): no in-process nudge helps.
func BenchChangeLatencyOtherWriter(b *testing.B, reader store.Store, writer store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := writer.Apply(ctx, Site()); err != nil {
		b.Fatal(err)
	}
	last, _ := reader.LastChange(ctx)
	ch, err := reader.Changes(ctx, last)
	if err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := writer.Put(ctx, &domain.Line{Number: "4100", DisplayName: fmt.Sprintf("v%d", i)}); err != nil {
			b.Fatal(err)
		}
		committed := time.Now()
		select {
		case c := <-ch:
			if c.Kind != domain.KindLine {
				b.Fatalf("event %v", c)
			}
			lat = append(lat, time.Since(committed))
		case <-time.After(5 * time.Second):
			b.Fatal("no change event within 5 s")
		}
		// Space the writes so each event is waited for, as in production.
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
