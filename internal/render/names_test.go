package render

import (
	"testing"
)

// TestResolve: names phones ask for map to the kind of file and the record
// it is rendered from; other names are not ours.
func TestResolve(t *testing.T) {
	for in, want := range map[string]Target{
		"SEP0000DE000001.cnf.xml": {Kind: DeviceXMLFile, Key: "SEP0000DE000001"},
		"sep0000de000001.cnf.xml": {Kind: DeviceXMLFile, Key: "SEP0000DE000001"},
		"SEP0000DE000007.cnf":     {Kind: LegacyCnfFile, Key: "SEP0000DE000007"},
		"SIP0000DE000003.cnf":     {Kind: SIPCnfFile, Key: "SEP0000DE000003"},
		"ld0000de000004":          {Kind: LDFile, Key: "SEP0000DE000004"},
		"gk0000de000005":          {Kind: GKFile, Key: "SEP0000DE000005"},
		"DRdemo-79x1.xml":         {Kind: DR79x1File, Key: "demo-79x1"},
		"SKStandard-User.xml":     {Kind: SoftkeyXMLFile, Key: "Standard-User"},
		"demo-7940.xml":           {Kind: Dial7940File, Key: "demo-7940"},
		"XMLDefault.cnf.xml":      {Kind: XMLDefaultFile},
		"xmlDefault.CNF.XML":      {Kind: XMLDefaultFile},
		"SIPDefault.cnf":          {Kind: SIPDefaultFile},
		"SEPDefault.cnf":          {Kind: SEPDefaultFile},
		"VMPORT1.cnf":             {Kind: GatewayCnfFile, Key: "VMPORT1"},
	} {
		want.Name = in // the name as asked
		got, ok := Resolve(in)
		if !ok || got != want {
			t.Errorf("Resolve(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"Desktops/320x212x12/List.xml", "SIP41.9-4-2SR3-1S.loads", "ld0000de00000", "../x.cnf", "CTLSEP0000DE000001.tlv"} {
		if got, ok := Resolve(in); ok {
			t.Errorf("Resolve(%q) = %v, want not ours", in, got)
		}
	}
}

// TestKinds: every kind has a name and says what it is rendered from.
func TestKinds(t *testing.T) {
	for k := DeviceXMLFile; k <= SDADefaultFile; k++ {
		if k.String() == "" || k.Needs() == 0 {
			t.Errorf("kind %d: name %q, needs %d", k, k.String(), k.Needs())
		}
	}
	for _, tc := range []struct {
		k    Kind
		need Need
	}{{DeviceXMLFile, NeedDevice}, {LegacyCnfFile, NeedDevice}, {SIPCnfFile, NeedDevice}, {LDFile, NeedDevice}, {GKFile, NeedDevice},
		{XMLDefaultFile, NeedDefaults}, {SEPDefaultFile, NeedDefaults}, {SIPDefaultFile, NeedDefaults},
		{DR79x1File, NeedDialPlan}, {Dial7940File, NeedDialPlan}, {SoftkeyXMLFile, NeedSoftkey}} {
		if got := tc.k.Needs(); got != tc.need {
			t.Errorf("%s needs %d, want %d", tc.k, got, tc.need)
		}
	}
	if Kind(0).String() != "" || Kind(0).Needs() != 0 || (SDADefaultFile+1).Needs() != 0 {
		t.Errorf("a kind that does not exist has a name or needs")
	}
}

// TestResolvePhoneNamesAllocs: a phone's own file names and the defaults
// resolve without allocating when they come as phones send them (the MAC
// in capitals); other spellings still resolve to the canonical key.
func TestResolvePhoneNamesAllocs(t *testing.T) {
	for in, want := range map[string]Target{
		"SEP0011223344AA.cnf.xml": {Kind: DeviceXMLFile, Key: "SEP0011223344AA"},
		"SEP0011223344AA.cnf":     {Kind: LegacyCnfFile, Key: "SEP0011223344AA"},
		"XMLDefault.cnf.xml":      {Kind: XMLDefaultFile},
		"RingList.xml":            {Kind: Dial7940File, Key: "RingList"},
	} {
		want.Name = in
		if got, ok := Resolve(in); !ok || got != want {
			t.Errorf("Resolve(%q) = %v %v, want %v", in, got, ok, want)
		}
		if n := testing.AllocsPerRun(100, func() { Resolve(in) }); n != 0 {
			t.Errorf("Resolve(%q): %.0f allocations", in, n)
		}
	}
	for in, key := range map[string]string{
		"sep0011223344aa.cnf.xml": "SEP0011223344AA", "Sep0011223344Aa.CNF.XML": "SEP0011223344AA",
		"SIP0011223344AA.cnf": "SEP0011223344AA", "ld0011223344aa": "SEP0011223344AA",
	} {
		if got, ok := Resolve(in); !ok || got.Key != key {
			t.Errorf("Resolve(%q) = %v %v, want key %s", in, got, ok, key)
		}
	}
	for _, in := range []string{"xmldefault.cnf.xml", "XMLDEFAULT.CNF.XML", "sepdefault.CNF"} {
		if got, ok := Resolve(in); !ok || got.Key != "" || (got.Kind != XMLDefaultFile && got.Kind != SEPDefaultFile) {
			t.Errorf("Resolve(%q) = %v %v", in, got, ok)
		}
	}
}
