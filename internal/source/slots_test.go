package source

import (
	"net/netip"
	"testing"
	"time"
)

// TestSlotsPerSource: a source holds at most its share; other sources
// still find slots; a released slot can be taken again. Addresses are
// each their own source, IPv4 and IPv6 alike (a voice VLAN is one /64:
// its phones must not share one share).
func TestSlotsPerSource(t *testing.T) {
	for _, tc := range []struct {
		name       string
		a, b       string
		sameSource bool
	}{
		{"ipv4 distinct", "192.0.2.1", "192.0.2.2", false},
		{"ipv4 mapped", "192.0.2.1", "::ffff:192.0.2.1", true},
		{"ipv6 same /64", "2001:db8::1", "2001:db8::ffff:1", false},
		{"ipv6 same address", "2001:db8::1", "2001:db8::1", true},
		{"ipv6 other /64", "2001:db8::1", "2001:db8:0:1::1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSlots(100)
			s.SetPerSource(3)
			a, b := netip.MustParseAddr(tc.a), netip.MustParseAddr(tc.b)
			for i := range 3 {
				if !s.AcquireFrom(a) {
					t.Fatalf("acquire %d refused", i)
				}
			}
			if s.AcquireFrom(a) {
				t.Fatal("a fourth slot for one source")
			}
			if got := s.AcquireFrom(b); got == tc.sameSource {
				t.Fatalf("%s after %s's share: acquired %v", tc.b, tc.a, got)
			}
			s.ReleaseFrom(a)
			if !s.AcquireFrom(a) {
				t.Fatal("a released slot not taken again")
			}
		})
	}
}

// TestSlotsSharedCount: the shared count still bounds every source
// together, and Acquire counts against no source.
func TestSlotsSharedCount(t *testing.T) {
	s := NewSlots(4)
	s.SetPerSource(-1)
	for i := range 4 {
		if !s.AcquireFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(i)})) {
			t.Fatalf("acquire %d refused", i)
		}
	}
	if s.AcquireFrom(netip.MustParseAddr("10.0.1.1")) || s.Acquire() {
		t.Fatal("a fifth slot of four")
	}
	s.ReleaseFrom(netip.AddrFrom4([4]byte{10, 0, 0, 0}))
	if !s.Acquire() || s.InUse() != 4 {
		t.Fatalf("in use %d after release and acquire", s.InUse())
	}
}

// TestSlotsDefaultShare: unless set, the cap is a twentieth of the slots,
// at least 4, and follows SetMax.
func TestSlotsDefaultShare(t *testing.T) {
	s := NewSlots(200)
	for _, tc := range []struct{ max, want int }{{200, 10}, {20, 4}, {1000, 50}} {
		s.SetMax(tc.max)
		if got := s.PerSource(); got != tc.want {
			t.Errorf("%d slots: cap %d, want %d", tc.max, got, tc.want)
		}
	}
	s.SetPerSource(-1)
	if got := s.PerSource(); got != 0 {
		t.Errorf("no cap: %d", got)
	}
}

// TestSlotsBounded: at most MaxSources are tracked, the least recently
// used dropped first.
func TestSlotsBounded(t *testing.T) {
	s := NewSlots(1000)
	s.SetMaxSources(8)
	s.SetPerSource(1)
	keep := netip.MustParseAddr("10.9.9.9")
	for i := range 100 {
		s.AcquireFrom(keep) // refused after the first: kept fresh
		a := netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})
		s.AcquireFrom(a)
		s.ReleaseFrom(a)
	}
	if n := s.Sources(); n != 8 {
		t.Fatalf("%d sources tracked, want 8", n)
	}
	if s.AcquireFrom(keep) {
		t.Fatal("the source used most recently was dropped: its slot forgotten")
	}
}

// TestSlotsBudget: a source draws at most its budget of unverified bytes,
// regains it over time and when refunded; sources do not share it.
func TestSlotsBudget(t *testing.T) {
	s := NewSlots(10)
	now := time.Unix(1000, 0)
	s.now = func() time.Time { return now }
	s.SetUnverifiedBudget(1000, 100)
	a, b := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	drawn := 0
	for range 100 {
		if s.Charge(a, 516) {
			drawn += 516
		}
	}
	if drawn != 516 {
		t.Fatalf("drew %d unverified bytes of a 1000-byte budget", drawn)
	}
	if !s.Charge(b, 516) {
		t.Fatal("another source's budget taken")
	}
	s.Refund(a, 516)
	if !s.Charge(a, 516) {
		t.Fatal("a refund not given back")
	}
	if s.Charge(a, 516) {
		t.Fatal("over budget")
	}
	now = now.Add(6 * time.Second) // 600 bytes regained
	if !s.Charge(a, 516) {
		t.Fatal("budget not regained over time")
	}
}

// BenchmarkSlotsAcquireFrom: one request's take and give back, from many
// sources (a phone storm) with the table full.
func BenchmarkSlotsAcquireFrom(b *testing.B) {
	s := NewSlots(200)
	s.SetMaxSources(1024)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		if s.AcquireFrom(a) {
			s.ReleaseFrom(a)
		}
		i++
	}
}
