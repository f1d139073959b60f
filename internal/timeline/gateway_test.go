package timeline

import (
	"net/netip"
	"testing"

	"cmtftp/internal/tftpd"
)

// TestGatewayKeys: a gateway's files are keyed by its name — an SCCP
// gateway's SKIGW file and its ports' AN files together, an ATA's and a
// Catalyst module's by their MAC, an MGCP gateway's by its host name in
// any case — and shared files are not.
func TestGatewayKeys(t *testing.T) {
	same := [][]string{
		{"SKIGW00DE0000A1", "SKIGW00DE0000A1.cnf.xml", "skigw00de0000a1.cnf.xml", "AN00DE0000A1200.cnf.xml", "AN00DE0000A1223.cnf.xml"},
		{"ATA0000DE0000B1", "ATA0000DE0000B1.cnf.xml", "ata0000de0000b1", "SEP0000DE0000B1.cnf.xml"},
		{"SAA0000DE0000C1", "SAA0000DE0000C1.cnf"},
		{"isr4321.demo.example", "isr4321.demo.example.cnf.xml", "ISR4321.DEMO.EXAMPLE.cnf.xml"},
		{"AnalogAccess-1", "AnalogAccess-1.cnf"},
		// review 17 #9: a name ending in "default" is not a shared file's.
		{"LOBBY-DEFAULT", "LOBBY-DEFAULT.cnf", "lobby-default.cnf"},
		{"gw.default", "gw.default.cnf.xml"},
	}
	seen := map[uint64]string{}
	for _, group := range same {
		want, ok := GatewayKey(group[0])
		if !ok {
			t.Fatalf("GatewayKey(%q) not ok", group[0])
		}
		if other, dup := seen[want]; dup {
			t.Errorf("%s and %s share a key", group[0], other)
		}
		seen[want] = group[0]
		for _, name := range group[1:] {
			if got, ok := keyOf(name); !ok || got != want {
				t.Errorf("keyOf(%q) = %x %v, want %x (the key of %s)", name, got, ok, want, group[0])
			}
		}
	}
	for _, name := range []string{"XMLDefault.cnf.xml", "SEPDefault.cnf", "SAADefault.cnf", "SDADefault.cnf", "sipdefault.cnf", "xmldefault.CNF.XML", "RingList.xml",
		"English_United_States/mk-sccp.jar"} {
		if k, ok := keyOf(name); ok {
			t.Errorf("keyOf(%q) = %x: a shared file has no device of its own", name, k)
		}
	}
}

func TestGatewayTimeline(t *testing.T) {
	tl := New(10, 0)
	gw := netip.MustParseAddrPort("192.0.2.9:50000")
	for _, n := range []string{"SKIGW00DE0000A1.cnf.xml", "AN00DE0000A1200.cnf.xml", "AN00DE0000A1201.cnf.xml", "United_States/g3-tones.xml"} {
		tl.TFTP(tftpd.Result{Name: n, Remote: gw, Outcome: tftpd.OutcomeCompleted})
	}
	got := tl.Of("SKIGW00DE0000A1")
	if len(got) != 4 || got[1].Name != "AN00DE0000A1200.cnf.xml" || got[3].Name != "United_States/g3-tones.xml" {
		t.Fatalf("VG224 timeline: %+v", got)
	}
	tl.TFTP(tftpd.Result{Name: "isr4321.demo.example.cnf.xml", Remote: gw, Outcome: tftpd.OutcomeNotFound})
	if got := tl.Of("isr4321.demo.example"); len(got) != 1 || got[0].Result != "not_found" {
		t.Fatalf("MGCP timeline: %+v", got)
	}
	if got := tl.Of("../etc"); got != nil {
		t.Errorf("a name no gateway has: %v", got)
	}
}
