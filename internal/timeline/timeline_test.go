package timeline

import (
	"fmt"
	"net/netip"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/httpd"
	"cmtftp/internal/tftpd"
)

func TestMACOf(t *testing.T) {
	for in, want := range map[string]string{
		"SEP001122AABBCC.cnf.xml": "001122AABBCC", "sep001122aabbcc.cnf.xml.sgn": "001122AABBCC", "CTLSEP001122AABBCC.tlv": "001122AABBCC",
		"ITLSEP001122AABBCC.tlv": "001122AABBCC", "SIP001122AABBCC.cnf": "001122AABBCC", "ld001122aabbcc": "001122AABBCC",
		"gk001122aabbcc": "001122AABBCC", "Communicator/SEP001122AABBCC.cnf.xml": "001122AABBCC",
		"RingList.xml": "", "SEP001122AABBC.cnf.xml": "", "SEPDefault.cnf": "", "SIP41.9-4-2SR3-1S.loads": "",
	} {
		if got := MACOf(in); got != want {
			t.Errorf("MACOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTimeline(t *testing.T) {
	tl := New(3, 0)
	phone := netip.MustParseAddrPort("192.0.2.7:50000")
	other := netip.MustParseAddrPort("192.0.2.8:50000")
	tl.TFTP(tftpd.Result{Name: "RingList.xml", Remote: phone, Outcome: tftpd.OutcomeCompleted}) // before any MAC: unknown
	tl.TFTP(tftpd.Result{Name: "CTLSEP001122AABBCC.tlv", Remote: phone, Outcome: tftpd.OutcomeNotFound})
	tl.TFTP(tftpd.Result{Name: "SEP001122AABBCC.cnf.xml", Remote: phone, Outcome: tftpd.OutcomeCompleted, Bytes: 7000})
	tl.TFTP(tftpd.Result{Name: "RingList.xml", Remote: phone, Outcome: tftpd.OutcomeCompleted})
	tl.TFTP(tftpd.Result{Name: "RingList.xml", Remote: other, Outcome: tftpd.OutcomeCompleted})
	got := tl.Of("SEP001122AABBCC")
	if len(got) != 3 || got[0].Name != "CTLSEP001122AABBCC.tlv" || got[0].Result != "not_found" || got[1].Bytes != 7000 || got[2].Name != "RingList.xml" {
		t.Fatalf("timeline: %+v", got)
	}
	tl.TFTP(tftpd.Result{Name: "SIP41.9-4-2SR3-1S.loads", Remote: phone, Outcome: tftpd.OutcomeCompleted})
	if got := tl.Of("00:11:22:aa:bb:cc"); len(got) != 3 || got[0].Name != "SEP001122AABBCC.cnf.xml" || got[2].Name != "SIP41.9-4-2SR3-1S.loads" {
		t.Fatalf("ring of 3 after a fourth: %+v", got)
	}
	if got := tl.Of("SEP0000000000FF"); got == nil || len(got) != 0 {
		t.Errorf("unknown device: %v", got)
	}
	if got := tl.Of("not a phone"); got != nil {
		t.Errorf("bad name: %v", got)
	}
}

// addAt records a TFTP request for name from client.
func addAt(tl *Timeline, name, result string, client netip.Addr) {
	o := tftpd.OutcomeCompleted
	if result == "not_found" {
		o = tftpd.OutcomeNotFound
	}
	tl.add(request{name: name, outcome: o, client: netip.AddrPortFrom(client, 50000)})
}

func TestBounded(t *testing.T) {
	tl := New(2, 0)
	for i := 0; i < MaxDevices+10; i++ {
		addAt(tl, fmt.Sprintf("SEP%012X.cnf.xml", i), "completed", netip.MustParseAddr("192.0.2.1"))
	}
	if n := len(tl.byMAC); n != MaxDevices {
		t.Errorf("%d devices kept, want %d", n, MaxDevices)
	}
	if len(tl.Of(fmt.Sprintf("SEP%012X", 0))) != 0 || len(tl.Of(fmt.Sprintf("SEP%012X", MaxDevices+9))) != 1 {
		t.Errorf("the least recently heard device should go first")
	}
}

// TestUnknownCannotEvictKnown: 10,050 requests for random MACs from one
// address (a walk) leave every known device's timeline in place; the
// unknown MACs are held to their own budget, the least recently heard
// forgotten first; a MAC that becomes known moves to the known budget.
func TestUnknownCannotEvictKnown(t *testing.T) {
	known := map[uint64]bool{}
	var real []string
	for i := range 50 {
		mac := fmt.Sprintf("0000DE%06X", i)
		n, _ := MACNumber(mac)
		known[n] = true
		real = append(real, mac)
	}
	tl := New(4, 0)
	tl.SetKnown(func(mac uint64) bool { return known[mac] })
	for i, mac := range real {
		addAt(tl, "SEP"+mac+".cnf.xml", "completed", netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}))
	}
	walker := netip.MustParseAddr("192.0.2.66")
	for i := range 10050 {
		addAt(tl, fmt.Sprintf("SEP%012X.cnf.xml", 0xABC000000000+i*104729), "not_found", walker)
		addAt(tl, "RingList.xml", "completed", walker) // follows the walker's last MAC
	}
	for _, mac := range real {
		if got := tl.Of("SEP" + mac); len(got) != 1 || got[0].Result != "completed" {
			t.Fatalf("%s after the walk: %+v", mac, got)
		}
	}
	if tl.devices.n != len(real) || tl.unknown.n != MaxUnknown || len(tl.byMAC) != len(real)+MaxUnknown {
		t.Errorf("kept %d known, %d unknown, %d in all; want %d, %d", tl.devices.n, tl.unknown.n, len(tl.byMAC), len(real), MaxUnknown)
	}
	last := fmt.Sprintf("SEP%012X", 0xABC000000000+10049*104729)
	if got := tl.Of(last); len(got) != 2 || got[1].Name != "RingList.xml" {
		t.Errorf("the newest unknown MAC: %+v", got)
	}
	if got := tl.Of(fmt.Sprintf("SEP%012X", 0xABC000000000)); len(got) != 0 {
		t.Errorf("the oldest unknown MAC should be forgotten: %+v", got)
	}
	n, _ := MACNumber(last[3:])
	known[n] = true // added to the database
	addAt(tl, last[3:]+"x", "x", walker)
	addAt(tl, last+".cnf.xml", "completed", walker)
	if tl.devices.n != len(real)+1 || tl.unknown.n != MaxUnknown-1 {
		t.Errorf("after the MAC became known: %d known, %d unknown", tl.devices.n, tl.unknown.n)
	}
	if got := tl.Of(last); len(got) != 4 {
		t.Errorf("its timeline moved with it: %+v", got)
	}
}

// TestAddAllocs: recording a request of a device already remembered
// allocates nothing, once its ring has grown.
func TestAddAllocs(t *testing.T) {
	tl := New(8, 0)
	tl.SetKnown(func(uint64) bool { return true })
	client := netip.MustParseAddrPort("192.0.2.1:50000")
	e := request{name: "SEP001122AABBCC.cnf.xml", client: client}
	other := request{name: "RingList.xml", client: client}
	for range 8 {
		tl.add(e)
	}
	if n := testing.AllocsPerRun(1000, func() { tl.add(e); tl.add(other) }); n != 0 {
		t.Errorf("%v allocations per request", n)
	}
}

// TestEntryRoundTrip: what the API shows is what was recorded.
func TestEntryRoundTrip(t *testing.T) {
	tl := New(4, 0)
	at := time.Now().UTC()
	for _, tc := range []struct {
		client  string
		cluster string
		http    bool
		outcome tftpd.Outcome
	}{{"192.0.2.7:50000", "", false, tftpd.OutcomeCompleted}, {"[2001:db8::7]:6970", "B", true, tftpd.OutcomeBusy},
		{"[::ffff:192.0.2.9]:69", "", false, tftpd.OutcomeAborted}} {
		tl.add(request{http: tc.http, name: "SEP001122AABBCC.cnf.xml", outcome: tc.outcome, bytes: 7000,
			duration: 3 * time.Millisecond, client: netip.MustParseAddrPort(tc.client), cluster: tc.cluster})
		got := tl.Of("SEP001122AABBCC")
		e := got[len(got)-1]
		proto := map[bool]string{false: "tftp", true: "http"}[tc.http]
		if e.Client != tc.client || e.Cluster != tc.cluster || e.Protocol != proto || e.Result != tc.outcome.String() ||
			e.Bytes != 7000 || e.Duration != 3*time.Millisecond || e.Name != "SEP001122AABBCC.cnf.xml" || e.Time.Before(at) {
			t.Errorf("%s: got %+v", tc.client, e)
		}
	}
}

// TestByteBound: 10,000 devices of 100 requests each, every name its own,
// stay within the byte bound — both as the timeline counts it and as the
// Go heap measures it — by forgetting the least recently heard devices;
// the newest device keeps every request.
func TestByteBound(t *testing.T) {
	const maxBytes = 4 << 20
	tl := New(100, maxBytes)
	client := netip.MustParseAddr("192.0.2.1")
	heap0 := liveHeap()
	for i := range MaxDevices {
		for j := range 100 {
			addAt(tl, fmt.Sprintf("SEP%012X.%03d.cnf.xml", i, j), "completed", client)
		}
	}
	if b := tl.Bytes(); b > maxBytes {
		t.Errorf("timeline counts %d bytes, bound %d", b, maxBytes)
	}
	if grown := liveHeap() - heap0; grown > maxBytes*5/4 {
		t.Errorf("the heap grew by %d bytes, bound %d", grown, maxBytes)
	}
	if n := len(tl.byMAC); n >= MaxDevices/10 || n < 10 {
		t.Errorf("%d devices kept in %d bytes", n, maxBytes)
	}
	if got := tl.Of(fmt.Sprintf("SEP%012X", MaxDevices-1)); len(got) != 100 || got[0].Name != fmt.Sprintf("SEP%012X.000.cnf.xml", MaxDevices-1) {
		t.Errorf("the newest device: %d requests", len(got))
	}
	if got := tl.Of(fmt.Sprintf("SEP%012X", 0)); len(got) != 0 {
		t.Errorf("the oldest device should be forgotten: %d requests", len(got))
	}
	runtime.KeepAlive(tl)
}

// TestOneRequestIsSmall: a device heard once costs a few slots, not per:
// 10,000 of them fit in a fraction of what 100 slots each would take.
func TestOneRequestIsSmall(t *testing.T) {
	tl := New(100, 0)
	client := netip.MustParseAddr("192.0.2.1")
	heap0 := liveHeap()
	for i := range MaxDevices {
		addAt(tl, fmt.Sprintf("SEP%012X.cnf.xml", i), "completed", client)
	}
	grown := liveHeap() - heap0
	if n := len(tl.byMAC); n != MaxDevices {
		t.Fatalf("%d devices kept", n)
	}
	if per := grown / MaxDevices; per > 1024 {
		t.Errorf("%d bytes a device heard once", per)
	}
	if b := tl.Bytes(); b < grown/2 {
		t.Errorf("timeline counts %d bytes for %d on the heap", b, grown)
	}
	runtime.KeepAlive(tl)
}

// liveHeap is the live heap after a full collection.
func liveHeap() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC() // the interned names' weak entries are swept after a second cycle
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

func TestMACNumber(t *testing.T) {
	for in, want := range map[string]uint64{"001122AABBCC": 0x001122AABBCC, "001122aabbcc": 0x001122AABBCC, "FFFFFFFFFFFF": 1<<48 - 1,
		"001122AABBC": 0, "001122AABBCG": 0, "00:11:22:AA:BB:CC": 0} {
		got, ok := MACNumber(in)
		if got != want || ok != (want != 0) {
			t.Errorf("MACNumber(%q) = %#x, %v; want %#x", in, got, ok, want)
		}
	}
}

var macRef = regexp.MustCompile(`(?i)^(?:ext_itl|ctl|itl)?(?:sep|sip|ld|gk)([0-9a-f]{12})(?:[^0-9a-f]|$)`)

// FuzzMACOf: MACOf agrees with a regular expression of the same rule on
// the base name, and never panics.
func FuzzMACOf(f *testing.F) {
	for _, s := range []string{"SEP001122AABBCC.cnf.xml", "ld001122aabbcc", "CTLSEP001122AABBCC.tlv", "ext_itlSEP001122aabbcc", "a/SIP001122AABBCC.cnf", "SEPDefault.cnf", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := ""
		if m := macRef.FindStringSubmatch(s[strings.LastIndexByte(s, '/')+1:]); m != nil {
			want = strings.ToUpper(m[1])
		}
		if got := MACOf(s); got != want {
			t.Errorf("MACOf(%q) = %q, the rule says %q", s, got, want)
		}
	})
}

// BenchmarkAdd records requests of 100,000 devices in turn, from as many
// addresses: every request past the first 10,000 forgets a device.
func BenchmarkAdd(b *testing.B) {
	const n = 100_000
	names := make([]request, n)
	for i := range names {
		names[i] = request{name: fmt.Sprintf("SEP%012X.cnf.xml", i), client: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 50000)}
	}
	tl := New(100, 0)
	tl.SetKnown(func(uint64) bool { return true })
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		tl.add(names[i%n])
		i++
	}
}

// TestSignerAndHTTPS: the timeline shows which key signed a file, and a
// request over HTTPS as https; a file served as stored names no signer.
func TestSignerAndHTTPS(t *testing.T) {
	tl := New(4, 0)
	phone := netip.MustParseAddrPort("10.0.0.9:50000")
	tl.TFTP(tftpd.Result{Name: "SEP001122AABBCC.cnf.xml.sgn", Remote: phone, Outcome: tftpd.OutcomeCompleted, Signer: "tftp#2 SHA-1 AB:CD"})
	tl.HTTP(httpd.Result{Name: "SEP001122AABBCC.cnf.xml.sgn", Remote: phone, Status: 200, TLS: true})
	tl.HTTP(httpd.Result{Name: "SEP001122AABBCC.cnf.xml.sgn", Remote: phone, Status: 200, Signer: "tftp#2 SHA-1 AB:CD"})
	got := tl.Of("SEP001122AABBCC")
	if len(got) != 3 {
		t.Fatalf("entries: %+v", got)
	}
	want := []struct{ proto, signer string }{{"tftp", "tftp#2 SHA-1 AB:CD"}, {"https", ""}, {"http", "tftp#2 SHA-1 AB:CD"}}
	for i, w := range want {
		if got[i].Protocol != w.proto || got[i].Signer != w.signer {
			t.Errorf("entry %d: protocol %q signer %q, want %q %q", i, got[i].Protocol, got[i].Signer, w.proto, w.signer)
		}
	}
}
