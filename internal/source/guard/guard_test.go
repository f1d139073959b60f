package guard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"cmtftp/internal/metrics"
	"cmtftp/internal/source"
)

func TestDeviceName(t *testing.T) {
	for name, want := range map[string]bool{
		"SEP001122AABBCC.cnf.xml": true, "sep001122aabbcc.cnf.xml.sgn": true, "SEP001122AABBCC.cnf": true,
		"SIP001122AABBCC.cnf": true, "ld001122aabbcc": true, "gk001122aabbcc": true, "CTLSEP001122AABBCC.tlv": true,
		"ITLSEP001122AABBCC.tlv": true, "ITLSEP001122AABBCC.tlv.sgn": true, "ext_itlSEP001122AABBCC.tlv": true,
		"Communicator/SEP001122AABBCC.cnf.xml": true, `Communicator\SEP001122AABBCC.cnf.xml`: true,
		"SEP001122AABBCC.cnf.xml.enc.sgn": true,
		"RingList.xml":                    false, "SEPDefault.cnf": false, "XMLDefault.cnf.xml": false, "SIP41.9-4-2SR3-1S.loads": false,
		"SEP001122AABBC.cnf.xml": false, "SEP001122AABBCCD.cnf.xml": false, "ldconfig": false, "": false, "SEP": false,
		"CTLFile.tlv": false, "ITLFile.tlv": false, "DRdialplan.xml": false, "term61.default.loads": false,
	} {
		if got := DeviceName(name); got != want {
			t.Errorf("DeviceName(%q) = %v, want %v", name, got, want)
		}
	}
}

// clock is a test clock moved by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// fixture is a guard over a source that has only the files in found.
type fixture struct {
	g     *Guard
	clock *clock
	reg   *prometheus.Registry
	log   *bytes.Buffer
	asked int // requests that reached the source behind the guard
}

func newFixture(t *testing.T, cfg Config, found ...string) *fixture {
	t.Helper()
	fx := &fixture{clock: &clock{time.Unix(1_000_000, 0)}, reg: prometheus.NewRegistry(), log: &bytes.Buffer{}}
	have := map[string]bool{}
	for _, f := range found {
		have[f] = true
	}
	next := source.Func(func(_ context.Context, req *source.Request) (source.File, error) {
		fx.asked++
		if have[req.Path] {
			return source.NewMemory([]byte("x"), time.Time{}), nil
		}
		return nil, source.ErrNotFound
	})
	cfg.Clock = fx.clock.now
	cfg.Logger = slog.New(slog.NewTextHandler(fx.log, nil))
	fx.g = New(next, cfg, fx.reg)
	return fx
}

// open asks for name from addr and returns the answer: found, not_found or busy.
func (fx *fixture) open(t *testing.T, addr, name string) string {
	t.Helper()
	req, err := source.NewRequest(name, source.TFTP, netip.AddrPortFrom(netip.MustParseAddr(addr), 50000), netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = fx.g.Open(context.Background(), req)
	switch {
	case err == nil:
		return "found"
	case errors.Is(err, source.ErrNotFound):
		return "not_found"
	case errors.Is(err, source.ErrBusy):
		return "busy"
	}
	t.Fatalf("open %s: %v", name, err)
	return ""
}

// walk asks for n random device names from addr and counts the answers.
func (fx *fixture) walk(t *testing.T, addr string, n int) map[string]int {
	t.Helper()
	got := map[string]int{}
	for i := range n {
		got[fx.open(t, addr, fmt.Sprintf("SEP%012X.cnf.xml", 0xABCDEF000000+i*7919))]++
	}
	return got
}

// TestWalkThrottled: a walk of 4,096 device names from one source gets
// exactly the not-found budget of answers, then busy — also for a name
// that exists — and after the refill time one more token's worth; the
// security event is logged once (fixed message, the source as a field)
// and counted.
func TestWalkThrottled(t *testing.T) {
	fx := newFixture(t, Config{Exempt: []netip.Prefix{}}, "SEP0000DE000001.cnf.xml")
	got := fx.walk(t, "192.0.2.9", 4096)
	if got["not_found"] != DefaultNotFoundBurst || got["busy"] != 4096-DefaultNotFoundBurst {
		t.Fatalf("walk: %v, want %d not found then busy", got, DefaultNotFoundBurst)
	}
	if fx.asked != DefaultNotFoundBurst {
		t.Errorf("%d requests reached the chain, want %d", fx.asked, DefaultNotFoundBurst)
	}
	if a := fx.open(t, "192.0.2.9", "SEP0000DE000001.cnf.xml"); a != "busy" {
		t.Errorf("an existing file past the budget: %s, want busy (the same answer)", a)
	}
	if a := fx.open(t, "192.0.2.9", "RingList.xml"); a != "not_found" {
		t.Errorf("a shared name past the budget: %s, want it passed on", a)
	}
	if a := fx.open(t, "192.0.2.10", "SEP0000DE000001.cnf.xml"); a != "found" {
		t.Errorf("another source: %s", a)
	}
	fx.clock.advance(time.Duration(float64(time.Second) / DefaultNotFoundRate))
	if got := fx.walk(t, "192.0.2.9", 10); got["not_found"] != 1 || got["busy"] != 9 {
		t.Errorf("after one token's refill: %v", got)
	}
	if n := strings.Count(fx.log.String(), securityEventMessage); n != 1 {
		t.Errorf("%d security lines, want 1 (rate-limited per source):\n%s", n, fx.log)
	}
	if !strings.Contains(fx.log.String(), "source=192.0.2.9") {
		t.Errorf("security line lacks the source: %s", fx.log)
	}
	fx.clock.advance(DefaultLogEverySource)
	refilled := int(DefaultLogEverySource.Seconds() * DefaultNotFoundRate)
	if got := fx.walk(t, "192.0.2.9", 100); got["not_found"] != refilled {
		t.Errorf("after %v: %v, want %d not found", DefaultLogEverySource, got, refilled)
	}
	if n := strings.Count(fx.log.String(), securityEventMessage); n != 2 {
		t.Errorf("%d security lines after LogEvery, want 2", n)
	}
	want := float64(4096 - DefaultNotFoundBurst + 1 + 9 + 100 - refilled) // the walks' busy answers and the existing file's
	if v := testutil.ToFloat64(fx.g.throttled.WithLabelValues("tftp", budgetNotFound)); v != want {
		t.Errorf("throttled counter %v, want %v", v, want)
	}
	if err := lintOurs(fx.reg); err != nil {
		t.Error(err)
	}
}

// lintOurs runs metrics.Lint, ignoring only the Cisco counters this
// registry does not hold.
func lintOurs(reg *prometheus.Registry) error {
	err := metrics.Lint(reg)
	if err == nil {
		return nil
	}
	var keep []string
	for _, line := range strings.Split(err.Error(), "\n") {
		if !strings.Contains(line, "Cisco") && !strings.Contains(line, "not published") {
			keep = append(keep, line)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	return errors.New(strings.Join(keep, "\n"))
}

// TestBudgets: the request budget bounds a walk of names that exist; an
// exempt network is never throttled; a phone's boot, repeated, stays
// inside both budgets; a storm of 1,000 sources, each booting once, is
// never throttled.
func TestBudgets(t *testing.T) {
	boot := []string{"CTLSEP0000DE000001.tlv", "ITLSEP0000DE000001.tlv", "ITLSEP0000DE000001.tlv.sgn", "SEP0000DE000001.cnf.xml",
		"XMLDefault.cnf.xml", "RingList.xml", "term61.default.loads", "SEP0000DE000001.cnf.xml.sgn"}
	fx := newFixture(t, Config{Exempt: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}}, "SEP0000DE000001.cnf.xml")
	for _, tc := range []struct {
		name, addr  string
		n, wantBusy int
	}{
		{"existing name from one source", "192.0.2.1", 500, 500 - DefaultRequestBurst},
		{"exempt source", "10.1.2.3", 5000, 0},
		{"the host itself is not exempt once Exempt is set", "127.0.0.1", 500, 500 - DefaultRequestBurst},
	} {
		busy := 0
		for range tc.n {
			if fx.open(t, tc.addr, "SEP0000DE000001.cnf.xml") == "busy" {
				busy++
			}
		}
		if busy != tc.wantBusy {
			t.Errorf("%s: %d busy, want %d", tc.name, busy, tc.wantBusy)
		}
	}
	if a := fx.walk(t, "10.1.9.9", 4096); a["busy"] != 0 {
		t.Errorf("exempt walk: %v", a)
	}
	// Five boots in a row from one phone, then one a minute for an hour.
	for i := range 5 + 60 {
		if i >= 5 {
			fx.clock.advance(time.Minute)
		}
		for _, name := range boot {
			if a := fx.open(t, "192.0.2.50", name); a == "busy" {
				t.Fatalf("boot %d: %s busy", i, name)
			}
		}
	}
	for i := range 1000 {
		addr := netip.AddrFrom4([4]byte{198, 18, byte(i >> 8), byte(i)}).String()
		for _, name := range boot {
			if a := fx.open(t, addr, name); a == "busy" {
				t.Fatalf("storm phone %d: %s busy", i, name)
			}
		}
	}
}

// TestDefaultExempt: with Exempt nil, 127.0.0.1 and ::1 are exempt,
// 127.0.0.2 is not.
func TestDefaultExempt(t *testing.T) {
	fx := newFixture(t, Config{})
	for addr, wantBusy := range map[string]bool{"127.0.0.1": false, "::1": false, "127.0.0.2": true, "::ffff:127.0.0.2": true} {
		if got := fx.walk(t, addr, 200)["busy"] > 0; got != wantBusy {
			t.Errorf("%s: throttled %v, want %v", addr, got, wantBusy)
		}
	}
}

// TestBoundedSources: at most MaxSources are remembered; the one heard
// from least recently is forgotten first (its budget starts afresh).
func TestBoundedSources(t *testing.T) {
	fx := newFixture(t, Config{MaxSources: 3, Exempt: []netip.Prefix{}})
	for _, a := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.3"} {
		fx.walk(t, a, DefaultNotFoundBurst) // each spends its budget
	}
	fx.walk(t, "192.0.2.1", 1) // .1 heard from again: .2 is now the oldest
	fx.walk(t, "192.0.2.4", 1) // forgets .2
	if n := fx.g.Sources(); n != 3 {
		t.Fatalf("%d sources, want 3", n)
	}
	for _, tc := range []struct { // in this order: asking .2 forgets another
		addr     string
		wantBusy bool
	}{{"192.0.2.1", true}, {"192.0.2.3", true}, {"192.0.2.2", false}} {
		if got := fx.walk(t, tc.addr, 1)["busy"] == 1; got != tc.wantBusy {
			t.Errorf("%s: busy %v, want %v", tc.addr, got, tc.wantBusy)
		}
	}
	for i := range 10000 {
		fx.walk(t, netip.AddrFrom4([4]byte{198, 18, byte(i >> 8), byte(i)}).String(), 1)
	}
	if n := fx.g.Sources(); n != 3 {
		t.Errorf("%d sources after 10,000, want 3", n)
	}
}

// TestOpenAllocs: the guard adds no allocation to a request, found or not,
// once its source is known.
func TestOpenAllocs(t *testing.T) {
	fx := newFixture(t, Config{Exempt: []netip.Prefix{}, Requests: Budget{Burst: 1 << 30, Rate: 1}, NotFound: Budget{Burst: 1 << 30, Rate: 1}},
		"SEP0000DE000001.cnf.xml")
	found, _ := source.NewRequest("SEP0000DE000001.cnf.xml", source.TFTP, netip.MustParseAddrPort("192.0.2.1:5"), netip.Addr{})
	missing, _ := source.NewRequest("SEP0000DE0000FF.cnf.xml", source.TFTP, netip.MustParseAddrPort("192.0.2.1:5"), netip.Addr{})
	ctx := context.Background()
	fx.g.Open(ctx, found)
	direct := testing.AllocsPerRun(1000, func() { fx.g.next.Open(ctx, found); fx.g.next.Open(ctx, missing) })
	guarded := testing.AllocsPerRun(1000, func() { fx.g.Open(ctx, found); fx.g.Open(ctx, missing) })
	if guarded > direct {
		t.Errorf("%v allocations through the guard, %v without", guarded, direct)
	}
}

var deviceNameRef = regexp.MustCompile(`(?i)^(?:ext_itl|ctl|itl)?(?:sep|sip|ld|gk)[0-9a-f]{12}(?:[^0-9a-f]|$)`)

// FuzzDeviceName: DeviceName agrees with a regular expression of the same
// rule, on the base name.
func FuzzDeviceName(f *testing.F) {
	for _, s := range []string{"SEP001122AABBCC.cnf.xml", "ld001122aabbcc", "CTLSEP001122AABBCC.tlv", "a/b\\SIP001122AABBCC.cnf", "SEPDefault.cnf", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		base := s[strings.LastIndexAny(s, `/\`)+1:]
		if got, want := DeviceName(s), deviceNameRef.MatchString(base); got != want {
			t.Errorf("DeviceName(%q) = %v, the rule says %v", s, got, want)
		}
	})
}

// BenchmarkOpen: the guard's cost per request over a source that answers
// at once: a shared name (passed on), a device name from a known source,
// and one from a new source each time (a storm from many addresses, the
// table full so the oldest is forgotten).
func BenchmarkOpen(b *testing.B) {
	next := source.Func(func(context.Context, *source.Request) (source.File, error) { return nil, source.ErrNotFound })
	for _, bc := range []struct {
		name    string
		path    string
		sources int
	}{{"shared", "RingList.xml", 1}, {"device-one-source", "SEP001122AABBCC.cnf.xml", 1}, {"device-new-sources", "SEP001122AABBCC.cnf.xml", 1 << 20}} {
		b.Run(bc.name, func(b *testing.B) {
			g := New(next, Config{Exempt: []netip.Prefix{}, MaxSources: 4096,
				Requests: Budget{Burst: 1 << 40, Rate: 1}, NotFound: Budget{Burst: 1 << 40, Rate: 1}}, prometheus.NewRegistry())
			req, _ := source.NewRequest(bc.path, source.TFTP, netip.MustParseAddrPort("10.0.0.1:5"), netip.Addr{})
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				req.Remote = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16 % bc.sources), byte(i >> 8 % bc.sources), byte(i % bc.sources)}), 5)
				g.Open(ctx, req)
			}
		})
	}
}
