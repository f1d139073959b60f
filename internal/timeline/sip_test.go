package timeline

import (
	"net/netip"
	"testing"

	"cmtftp/internal/tftpd"
)

func TestSIPEntries(t *testing.T) {
	tests := []struct {
		name   string
		status int
		answer bool
		want   string
	}{
		{"answered", 200, true, "200"},
		{"bad event", 489, true, "489"},
		{"no answer", 0, true, SIPNoAnswer},
		{"pending", 0, false, SIPPending},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tl := New(8, 0)
			phone := netip.MustParseAddrPort("192.0.2.7:50000")
			sipAddr := netip.MustParseAddrPort("192.0.2.7:5060")
			tl.TFTP(tftpd.Result{Name: "SEP001122AABBCC.cnf.xml", Remote: phone, Outcome: tftpd.OutcomeCompleted, Bytes: 10})
			n := tl.SIPSent("SEP001122AABBCC", sipAddr, "check-sync")
			if tc.answer {
				tl.SIPAnswered(n, tc.status)
			}
			tl.TFTP(tftpd.Result{Name: "SEP001122AABBCC.cnf.xml", Remote: phone, Outcome: tftpd.OutcomeCompleted, Bytes: 10})
			got := tl.Of("SEP001122AABBCC")
			if len(got) != 3 {
				t.Fatalf("timeline %+v", got)
			}
			e := got[1]
			if e.Protocol != ProtocolSIP || e.Name != "NOTIFY check-sync" || e.Result != tc.want || e.Bytes != 0 || e.Client != sipAddr.String() {
				t.Errorf("sip entry %+v, want NOTIFY check-sync → %s to %s", e, tc.want, sipAddr)
			}
			if got[0].Protocol != "tftp" || got[2].Protocol != "tftp" || got[2].Bytes != 10 {
				t.Errorf("the requests around it: %+v", got)
			}
			if a, ok := tl.LastAddr("SEP001122AABBCC"); !ok || a != phone.Addr() {
				t.Errorf("LastAddr = %v %v, want %v", a, ok, phone.Addr())
			}
		})
	}
}

func TestLastAddr(t *testing.T) {
	tl := New(4, 0)
	if _, ok := tl.LastAddr("SEP001122AABBCC"); ok {
		t.Error("a phone never heard has an address")
	}
	tl.SIPSent("SEP001122AABBCC", netip.MustParseAddrPort("192.0.2.9:5060"), "check-sync")
	if _, ok := tl.LastAddr("SEP001122AABBCC"); ok {
		t.Error("a NOTIFY alone gives the phone an address")
	}
	tl.TFTP(tftpd.Result{Name: "SEP001122AABBCC.cnf.xml", Remote: netip.MustParseAddrPort("[2001:db8::1]:1000")})
	tl.TFTP(tftpd.Result{Name: "SEP001122AABBCC.cnf.xml", Remote: netip.MustParseAddrPort("192.0.2.8:1000")})
	if a, ok := tl.LastAddr("001122aabbcc"); !ok || a != netip.MustParseAddr("192.0.2.8") {
		t.Errorf("LastAddr = %v %v, want the newest request's", a, ok)
	}
	if _, ok := tl.LastAddr("not a phone"); ok {
		t.Error("a bad name has an address")
	}
	if n := tl.SIPSent("gateway.example.com", netip.MustParseAddrPort("192.0.2.9:5060"), "check-sync"); n.ok {
		t.Error("a gateway's NOTIFY recorded")
	}
}
