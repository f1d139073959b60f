package signed

import "testing"

// TestSignable: spec §1.4's configuration-type names are signable, in any
// letter case; firmware, files already signed and other names are not.
func TestSignable(t *testing.T) {
	cases := []struct {
		name string
		want bool
	}{
		{"SEP001122AABBCC.cnf.xml", true},
		{"SEP001122aabbcc.cnf.xml", true},
		{"SEP001122AABBC.cnf.xml", false},
		{"SEP001122AABBCG.cnf.xml", false},
		{"SEP001122AABBCC.cnf", false},
		{"XMLDefault.cnf.xml", true},
		{"xmlDefault.CNF.XML", true},
		{"SKStandard-User.xml", true},
		{"SK3e2a7f0c-1d4b-4a55-9f60-1234567890ab.xml", true},
		{"SK.xml", false},
		{"DRdemo-79x1.xml", true},
		{"dialplan.xml", true},
		{"DefaultFP.xml", false},
		{"DefaultFPStandard.xml", true},
		{"AppDialRules.xml", true},
		{"DirLookupDialRules.xml", true},
		{"RingList.xml", true},
		{"RINGLIST.XML", true},
		{"Ringlist-wb.xml", true},
		{"DistinctiveRingList.xml", true},
		{"RINGLIST.DAT", true},
		{"OldBell.raw", true},
		{"Ring/Chirp.rwb", true},
		{"Piano.pcm", true},
		{"Desktops/320x196x4/List.xml", true},
		{"Desktops/320x196x4/Beach.png", true},
		{"Desktops/320x196x4/Beach.jpg", false},
		{"Desktops/List.xml", false},
		{"Desktops/320x196/List.xml", false},
		{"English_United_States/mk-sip.jar", true},
		{"English_United_States/mk-sccp.jar", true},
		{"English_United_States/7960-dictionary.xml", true},
		{"English_United_States/SCCP-dictionary-ext.xml", true},
		{"English_United_States/SCCP-dictionary.utf-8.xml", true},
		{"English_United_States/7921-font.dat", true},
		{"English_United_States/7905-kate.xml", true},
		{"United_States/g3-tones.xml", true},
		{"United_States/g4-tones.xml", true},
		{"United_States/7960-tones.xml", true},
		{"United_States/g5-tones.xml", false},
		{"a/b/g3-tones.xml", false},
		{"English_United_States/CIPC_Locale.loads", false},
		{"global-settings.xml", true},
		{"SPDefault.cnf.xml", true},
		{"CSFalice.cnf.xml", true},
		{"ConfigFileCacheList.txt", true},
		// firmware and files already signed: never signed again
		{"SIP88xx.12-8-1-0001-455.loads", false},
		{"term88.default.loads", false},
		{"sip88xx.12-8-1.sbn", false},
		{"cmterm-88xx.zz", false},
		{"P00308010200.bin", false},
		{"apps41.1-2-1.sb2", false},
		{"kern.sbin", false},
		{"boot.zup", false},
		{"dsp.zz.sgn", false},
		{"RingList.xml.sgn", false},
		{"ITLFile.tlv", false},
		{"OS79XX.TXT", false},
		// names the table gives no .sgn
		{"SEPDefault.cnf", false},
		{"SIP001122AABBCC.cnf", false},
		{"syncinfo.xml", false},
		{"", false},
	}
	for _, c := range cases {
		if got := Signable(c.name); got != c.want {
			t.Errorf("Signable(%q) = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestParseTrustList: the five trust-list names, the MAC in any case.
func TestParseTrustList(t *testing.T) {
	cases := []struct {
		name string
		want TrustListName
		ok   bool
	}{
		{"ITLFile.tlv", TrustListName{}, true},
		{"CTLFile.tlv", TrustListName{CTL: true}, true},
		{"ITLSEP001122AABBCC.tlv", TrustListName{MAC: "001122AABBCC"}, true},
		{"CTLSEP001122aabbcc.tlv", TrustListName{CTL: true, MAC: "001122AABBCC"}, true},
		{"ext_ITLSEP001122AABBCC.tlv", TrustListName{MAC: "001122AABBCC"}, true},
		{"ext_CTLSEP001122AABBCC.tlv", TrustListName{}, false},
		{"ITLSEP001122AABBC.tlv", TrustListName{}, false},
		{"ITLSEP001122AABBCX.tlv", TrustListName{}, false},
		{"ITLSEP001122AABBCC.tlv.sgn", TrustListName{}, false},
		{"ITLFILE.TLV", TrustListName{}, false},
		{"XTLFile.tlv", TrustListName{}, false},
	}
	for _, c := range cases {
		got, ok := ParseTrustList(c.name)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseTrustList(%q) = %+v, %v; want %+v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

// TestDeviceOf: SEP<MAC>.cnf.xml names the device SEP<MAC in upper case>.
func TestDeviceOf(t *testing.T) {
	cases := []struct{ name, want string }{
		{"SEP001122AABBCC.cnf.xml", "SEP001122AABBCC"},
		{"sep001122aabbcc.CNF.xml", "SEP001122AABBCC"},
		{"SEP001122AABBCC.cnf.xml.sgn", ""},
		{"SIP001122AABBCC.cnf.xml", ""},
		{"SEP001122AABBZZ.cnf.xml", ""},
	}
	for _, c := range cases {
		got, ok := DeviceOf(c.name)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("DeviceOf(%q) = %q, %v; want %q", c.name, got, ok, c.want)
		}
	}
}
