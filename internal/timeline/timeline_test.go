package timeline

import (
	"fmt"
	"net/netip"
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
