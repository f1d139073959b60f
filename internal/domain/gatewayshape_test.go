package domain

import (
	"strings"
	"testing"
)

func TestGatewayNameShape(t *testing.T) {
	for name, want := range map[string]NameShape{
		"SKIGW1FCAC3DE10": ShapeSKIGW, "skigw1fcac3de10": ShapeSKIGW,
		"SKIGW1FCAC3DE1": ShapePlain, "SKIGW1FCAC3DE100": ShapePlain, "SKIGW-branch": ShapePlain, "skigw-branch-01": ShapePlain,
		"AN0C86385E3D400": ShapeANPort, "an0c86385e3d401": ShapeANPort, "AN0C86385E3D4XX": ShapePlain, "annapolis-gw-01": ShapePlain,
		"ATA001122AABBCC": ShapeATA, "ata001122aabbcc": ShapeATA, "ATA00112233445Z": ShapePlain, "atascadero-gw01": ShapePlain,
		"SAA001122334455": ShapeSAA, "SDA001122334455": ShapeSDA,
		"SEP001122334455": ShapePhone, "sip001122334455": ShapePhone, "sepulveda-gw-01": ShapePlain,
		"SEPDefault": ShapeDefault, "sipdefault": ShapeDefault, "SAADefault": ShapeDefault, "SDADefault": ShapeDefault,
		"XMLDefault": ShapeDefault, "LOBBY-DEFAULT": ShapePlain, "gw1.example.com": ShapePlain, "": ShapePlain,
	} {
		if got := GatewayNameShape(name); got != want {
			t.Errorf("GatewayNameShape(%q) = %d, want %d", name, got, want)
		}
	}
}

// TestGatewayNameRules: Normalize and CheckGateway take only a name of
// the shape the model's family asks by (review 17 #1, #2, #6, #8), and
// an MGCP gateway's dial-peer tags within IOS's range (#10).
func TestGatewayNameRules(t *testing.T) {
	x := NewIndex(DemoSite())
	fxs150 := []GatewayUnit{{Index: 0, Product: "ISR-NIM", Subunits: []GatewaySubunit{{Index: 1, Product: "NIM-4FXS", BeginPort: 150}}}}
	fxs199 := []GatewayUnit{{Index: 9, Product: "ISR-NIM", Subunits: []GatewaySubunit{{Index: 9, Product: "NIM-4FXS", BeginPort: 196}}}}
	fxs0 := []GatewayUnit{{Index: 0, Product: "ISR-NIM", Subunits: []GatewaySubunit{{Index: 1, Product: "NIM-4FXS"}}}}
	prefix := func(p string) map[string]string { return map[string]string{"dialPeerPrefix": p} }
	for _, c := range []struct {
		g    Gateway
		want string // "" valid
	}{
		// #1: another family's shape.
		{Gateway{Name: "ATA001122AABBCC", Model: "ISR4321"}, "plain name"},
		{Gateway{Name: "SKIGW0011223344", Model: "ISR4321"}, "plain name"},
		{Gateway{Name: "AN0011223344200", Model: "ISR4321"}, "port of an SCCP gateway"},
		{Gateway{Name: "SAA001122334455", Model: "Analog Access"}, "plain name"},
		{Gateway{Name: "SKIGW-branch", Model: "VG224", Protocol: ProtocolSCCP}, "named SKIGW"},
		{Gateway{Name: "SKIGW00112233", Model: "VG224", Protocol: ProtocolSCCP}, "named SKIGW"},
		{Gateway{Name: "SKIGW1FCAC3DE10", Model: "VG224", Protocol: ProtocolSCCP}, ""},
		{Gateway{Name: "ATA-lobby", MAC: "001122334455", Model: "ATA190"}, "named ATA"},
		// #2: host names that only start like a shape.
		{Gateway{Name: "annapolis-gw-01", Model: "ISR4321"}, ""},
		{Gateway{Name: "anaheim-gw1.net", Model: "ISR4321"}, ""},
		{Gateway{Name: "sepulveda-gw-01", Model: "ISR4321"}, ""},
		{Gateway{Name: "skigw-branch-01", Model: "ISR4321"}, ""},
		{Gateway{Name: "atascadero-gw01", Model: "ISR4321"}, ""},
		{Gateway{Name: "sepulveda-aa-01", Model: "Analog Access"}, ""},
		// #8: shared files' and phones' names.
		{Gateway{Name: "SEPDefault", Model: "Analog Access"}, "shared default file"},
		{Gateway{Name: "SIPDefault", Model: "Voice Mail Port"}, "shared default file"},
		{Gateway{Name: "SAADefault", Model: "Analog Access"}, "shared default file"},
		{Gateway{Name: "SDADefault", Model: "Analog Access"}, "shared default file"},
		{Gateway{Name: "XMLDefault", Model: "ISR4321"}, "shared default file"},
		{Gateway{Name: "SIP001122334455", Model: "Analog Access"}, "phone's name"},
		{Gateway{Name: "SEP001122334455", Model: "ISR4321"}, "phone's name"},
		{Gateway{Name: "LOBBY-DEFAULT", Model: "Analog Access"}, ""},
		// #10: dial-peer tags.
		{Gateway{Name: "gw.example.com", Model: "ISR4321", Units: fxs150, VendorConfig: prefix("99999"),
			Endpoints: []GatewayEndpoint{{Subunit: 1, Port: 150, Line: "1"}}}, "dial peer 9999901150"},
		{Gateway{Name: "gw.example.com", Model: "ISR4321", Units: fxs199, VendorConfig: prefix("21474"),
			Endpoints: []GatewayEndpoint{{Unit: 9, Subunit: 9, Port: 199, Line: "1"}}}, "dial peer 2147499199 is above IOS"},
		{Gateway{Name: "gw.example.com", Model: "ISR4321", Units: fxs199, VendorConfig: prefix("21473"),
			Endpoints: []GatewayEndpoint{{Unit: 9, Subunit: 9, Port: 199, Line: "1"}}}, ""},
		{Gateway{Name: "gw.example.com", Model: "ISR4321", Units: fxs150,
			Endpoints: []GatewayEndpoint{{Subunit: 1, Port: 150, Line: "1"}}}, ""},
		{Gateway{Name: "gw.example.com", Model: "ISR4321", Units: fxs0, VendorConfig: prefix("99999"),
			Endpoints: []GatewayEndpoint{{Subunit: 1, Port: 3, Line: "1"}}}, ""},
	} {
		c.g.Group = "G"
		err := Normalize(&c.g)
		if err == nil {
			m, _ := x.Model(c.g.Model)
			err = CheckGateway(&c.g, m)
		}
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s (%s): got %v, want %q", c.g.Name, c.g.Model, err, c.want)
		}
	}
}

func TestDialPeer(t *testing.T) {
	for _, c := range []struct {
		prefix string
		e      GatewayEndpoint
		want   string
	}{
		{"999", GatewayEndpoint{Subunit: 1}, "9990100"},
		{"999", GatewayEndpoint{Unit: 2, Port: 23}, "9992023"},
		{"99999", GatewayEndpoint{Subunit: 1, Port: 150}, "9999901150"},
	} {
		if got := DialPeer(c.prefix, c.e); got != c.want {
			t.Errorf("DialPeer(%s, %+v) = %s, want %s", c.prefix, c.e, got, c.want)
		}
	}
	if !dialPeerFits("2147483647") || dialPeerFits("2147483648") || dialPeerFits("0") {
		t.Error("dialPeerFits: IOS's range is 1–2147483647")
	}
}

// TestPlanNamesEndingCnf: a served dial plan's or a softkey template's
// name does not end in .cnf (review 17 #6): plan.cnf.xml, DRx.cnf.xml and
// SKx.cnf.xml are the MGCP gateways plan, DRx and SKx's files.
func TestPlanNamesEndingCnf(t *testing.T) {
	for _, c := range []struct {
		e  Entity
		ok bool
	}{
		{&DialPlan{Name: "plan.cnf", Family: DialFamily7940}, false},
		{&DialPlan{Name: "x.CNF", Family: DialFamily79x1}, false},
		{&DialPlan{Name: "x.cnf", Family: DialFamily7905}, true}, // no file of its own
		{&DialPlan{Name: "plan.cnfx", Family: DialFamily7940}, true},
		{&SoftkeyTemplate{Name: "x.cnf"}, false},
		{&SoftkeyTemplate{Name: "x-cnf"}, true},
	} {
		err := Normalize(c.e)
		if c.ok && err != nil || !c.ok && (err == nil || !strings.Contains(err.Error(), "ends in .cnf")) {
			t.Errorf("%+v: %v", c.e, err)
		}
	}
}
