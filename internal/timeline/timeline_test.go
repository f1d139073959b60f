package timeline

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

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
	tl := New(3)
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
	if got := tl.Of("not-a-phone"); got != nil {
		t.Errorf("bad name: %v", got)
	}
}

func TestBounded(t *testing.T) {
	tl := New(2)
	for i := 0; i < MaxDevices+10; i++ {
		tl.Add(Entry{Time: time.Unix(int64(i), 0), Name: fmt.Sprintf("SEP%012X.cnf.xml", i)}, netip.MustParseAddr("192.0.2.1"))
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
	known := map[string]bool{}
	var real []string
	for i := range 50 {
		mac := fmt.Sprintf("0000DE%06X", i)
		known[mac] = true
		real = append(real, mac)
	}
	tl := New(4)
	tl.SetKnown(func(mac string) bool { return known[mac] })
	at := time.Unix(0, 0)
	for i, mac := range real {
		tl.Add(Entry{Time: at, Name: "SEP" + mac + ".cnf.xml", Result: "completed"}, netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}))
	}
	walker := netip.MustParseAddr("192.0.2.66")
	for i := range 10050 {
		tl.Add(Entry{Time: at, Name: fmt.Sprintf("SEP%012X.cnf.xml", 0xABC000000000+i*104729), Result: "not_found"}, walker)
		tl.Add(Entry{Time: at, Name: "RingList.xml"}, walker) // follows the walker's last MAC
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
	known[last[3:]] = true // added to the database
	tl.Add(Entry{Time: at, Name: last[3:] + "x", Result: "x"}, walker)
	tl.Add(Entry{Time: at, Name: last + ".cnf.xml", Result: "completed"}, walker)
	if tl.devices.n != len(real)+1 || tl.unknown.n != MaxUnknown-1 {
		t.Errorf("after the MAC became known: %d known, %d unknown", tl.devices.n, tl.unknown.n)
	}
	if got := tl.Of(last); len(got) != 4 {
		t.Errorf("its timeline moved with it: %+v", got)
	}
}

// TestAddAllocs: recording a request of a device already remembered
// allocates nothing.
func TestAddAllocs(t *testing.T) {
	tl := New(8)
	tl.SetKnown(func(string) bool { return true })
	client := netip.MustParseAddr("192.0.2.1")
	e := Entry{Name: "SEP001122AABBCC.cnf.xml", Result: "completed"}
	tl.Add(e, client)
	other := Entry{Name: "RingList.xml", Result: "completed"}
	if n := testing.AllocsPerRun(1000, func() { tl.Add(e, client); tl.Add(other, client) }); n != 0 {
		t.Errorf("%v allocations per request", n)
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
