package render

import (
	"bytes"
	"cmtftp/internal/domain"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// hostile is text that XML and key: value files must carry safely.
const hostile = "\"A\" & <B> ]]> <!-- 'q' #;"

// gatewaySite is the demo site with one gateway of every other family:
// an ATA 186 under SIP and SCCP, an ATA 188 under MGCP, a WS-X6624, a
// WS-X6608, an Analog Access (with hostile text), a Voice Mail Port and a
// VG320 (three-level ports), under Build CNF Files buildCNF ("": the
// default), normalised and checked as the store does.
func gatewaySite(t testing.TB, buildCNF string) *domain.Index {
	t.Helper()
	s := domain.DemoSite()
	if buildCNF != "" {
		s.Service = append(s.Service, &domain.Param{Name: domain.ParamBuildCNFFiles, Value: buildCNF})
	}
	for _, n := range []string{"4501", "4502", "4503", "4504", "4511", "4512", "4513", "4521", "4522", "4531", "4532"} {
		s.Lines = append(s.Lines, &domain.Line{Number: n, DisplayName: "Port " + n, Label: "P" + n, AuthName: "u" + n, AuthPassword: "pw" + n})
	}
	s.Lines = append(s.Lines, &domain.Line{Number: "4523", DisplayName: hostile, Label: hostile})
	ep := func(port int, line string) domain.GatewayEndpoint {
		return domain.GatewayEndpoint{Port: port, Line: line}
	}
	s.Gateways = append(s.Gateways,
		&domain.Gateway{Name: "ATA0000DE0000C1", Model: "ATA186", Protocol: "SIP", Group: "Demo-Group", Load: "ATA030204SIP090202A",
			Endpoints: []domain.GatewayEndpoint{ep(0, "4501"), ep(1, "4502")}},
		&domain.Gateway{Name: "ATA0000DE0000C2", Model: "ATA188", Protocol: "MGCP", Group: "Demo-Group",
			Endpoints: []domain.GatewayEndpoint{ep(0, "4503")}},
		&domain.Gateway{Name: "ATA0000DE0000C3", Model: "ATA186", Protocol: "SCCP", Group: "Demo-Group",
			Endpoints: []domain.GatewayEndpoint{ep(1, "4504")}},
		&domain.Gateway{Name: "SAA0000DE0000D1", Model: "WS-X6624", Group: "Demo-Group", Pool: "Demo-Pool",
			Endpoints: []domain.GatewayEndpoint{ep(0, "4511"), ep(1, "4512")}},
		&domain.Gateway{Name: "SDA0000DE0000D2", Model: "WS-X6608", Group: "Demo-Group",
			Endpoints: []domain.GatewayEndpoint{ep(0, "4513")}},
		&domain.Gateway{Name: "AA-LOBBY", Description: hostile, Model: "Analog Access", Group: "Demo-Group",
			Endpoints: []domain.GatewayEndpoint{ep(0, "4521"), {Port: 1, Line: "4523", Label: hostile, Locale: hostile}}},
		&domain.Gateway{Name: "VMPORT1", Model: "Voice Mail Port", Group: "Demo-Group",
			Endpoints: []domain.GatewayEndpoint{ep(0, "4522")}},
		&domain.Gateway{Name: "SKIGW00DE0000E1", MAC: "0000DE0000E1", Description: hostile, Model: "VG320", Protocol: "SCCP",
			Group: "Demo-Group", Endpoints: []domain.GatewayEndpoint{{Subunit: 1, Port: 5, Line: "4531", Label: hostile},
				{Subunit: 2, Port: 0, Line: "4532"}}})
	for _, e := range s.Entities() {
		if err := domain.Normalize(e); err != nil {
			t.Fatal(err)
		}
	}
	x := domain.NewIndex(s)
	for _, g := range s.Gateways {
		m, err := x.Model(g.Model)
		if err != nil {
			t.Fatal(err)
		}
		if err := domain.CheckGateway(g, m); err != nil {
			t.Fatalf("%s: %v", g.Name, err)
		}
	}
	return x
}

// gatewayFiles renders every gateway file of x, by name.
func gatewayFiles(t testing.TB, x *domain.Index) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for f, err := range SiteFiles(x) {
		if err != nil {
			t.Fatal(err)
		}
		if n := f.Target.Kind.Needs(); n != NeedGateway && f.Target.Kind != SAADefaultFile && f.Target.Kind != SDADefaultFile {
			continue
		}
		b, err := f.Render()
		if err != nil {
			t.Fatalf("%s: %v", f.Name(), err)
		}
		if _, dup := out[f.Name()]; dup {
			t.Fatalf("SiteFiles lists %s twice", f.Name())
		}
		out[f.Name()] = b
	}
	return out
}

// TestGatewayGolden: every gateway file of every family (Build All, so
// each gateway's <name>.cnf too) against testdata/gateways (-update
// rewrites them), well-formed when XML, free of the stamp placeholder.
func TestGatewayGolden(t *testing.T) {
	files := gatewayFiles(t, gatewaySite(t, domain.BuildAll))
	for name, b := range files {
		if strings.HasSuffix(name, ".xml") {
			if err := wellFormed(b); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		if bytes.Contains(b, []byte(stampHolder)) {
			t.Errorf("%s: version stamp placeholder left in", name)
		}
	}
	checkGolden(t, filepath.Join("testdata", "gateways"), files)
	for _, want := range []string{"SKIGW00DE0000A1.cnf.xml", "AN00DE0000A1200.cnf.xml", "ATA0000DE0000B1.cnf.xml",
		"ATA00DE0000B101.cnf.xml", "ata0000de0000c1", "ata0000de0000c2", "SAA0000DE0000D1.cnf", "SDA0000DE0000D2.cnf",
		"AA-LOBBY.cnf", "VMPORT1.cnf", "isr4321.demo.example.cnf.xml", "SAADefault.cnf", "SDADefault.cnf",
		"SKIGW00DE0000E1.cnf.xml", "AN00DE0000E1105.cnf.xml", "AN00DE0000E1200.cnf.xml"} {
		if _, ok := files[want]; !ok {
			t.Errorf("no %s among the gateway files", want)
		}
	}
}

// TestGatewayNames: the names of the issue — the MAC's last 10 hex digits,
// 3-digit port ids, the ATA 190's port-2 shift — through GatewayFiles and
// Resolve, and the Cisco sample names.
func TestGatewayNames(t *testing.T) {
	x := gatewaySite(t, domain.BuildSelective)
	for gw, want := range map[string][]string{
		"SKIGW00DE0000A1":      {"SKIGW00DE0000A1.cnf.xml", "AN00DE0000A1200.cnf.xml", "AN00DE0000A1201.cnf.xml", "AN00DE0000A1202.cnf.xml"},
		"SKIGW00DE0000E1":      {"SKIGW00DE0000E1.cnf.xml", "AN00DE0000E1105.cnf.xml", "AN00DE0000E1200.cnf.xml"},
		"ATA0000DE0000B1":      {"ATA0000DE0000B1.cnf.xml", "ATA00DE0000B101.cnf.xml"},
		"ATA0000DE0000C1":      {"ata0000de0000c1"},
		"ATA0000DE0000C3":      {"ata0000de0000c3"},
		"isr4321.demo.example": {"isr4321.demo.example.cnf.xml"},
		"SAA0000DE0000D1":      {"SAA0000DE0000D1.cnf"},
		"SDA0000DE0000D2":      {"SDA0000DE0000D2.cnf"},
		"AA-LOBBY":             {"AA-LOBBY.cnf"},
		"VMPORT1":              {"VMPORT1.cnf"},
	} {
		c, err := x.GatewayConfig(gw)
		if err != nil {
			t.Fatal(err)
		}
		if got := GatewayFiles(c); !slices.Equal(got, want) {
			t.Errorf("%s: GatewayFiles %q, want %q", gw, got, want)
		}
		for _, f := range want {
			tg, ok := ResolveGateway(f, c)
			if !ok {
				t.Errorf("%s: %s resolves to %v, not to the gateway", gw, f, tg)
			}
			if c2, err := x.GatewayConfig(tg.Key); err != nil || c2.Gateway.Name != gw {
				t.Errorf("%s: %s's key %q finds no gateway (%v)", gw, f, tg.Key, err)
			}
		}
	}
}

// TestResolveGatewayNames: Cisco's samples — MAC 001f.cac3.de10 →
// SKIGW1FCAC3DE10, the AN port files of the TAC note, the ATA 190's
// port 2 without the first octet and 01 — and the names near the
// MAC-carrying shapes that are plain host names, through Resolve.
func TestResolveGatewayNames(t *testing.T) {
	mac, _ := domain.ParseMAC("001f.cac3.de10")
	if got := domain.SKIGWName(mac); got != "SKIGW1FCAC3DE10" {
		t.Errorf("SKIGWName = %s", got)
	}
	for in, want := range map[string]Target{
		"SKIGW1FCAC3DE10.cnf.xml":      {Kind: SKIGWFile, Key: "SKIGW1FCAC3DE10"},
		"skigw1fcac3de10.cnf.xml":      {Kind: SKIGWFile, Key: "SKIGW1FCAC3DE10"},
		"AN0C86385E3D400.cnf.xml":      {Kind: PortFile, Key: "SKIGW0C86385E3D"},
		"AN0C86385E3D401.cnf.xml":      {Kind: PortFile, Key: "SKIGW0C86385E3D"},
		"ATA001122334455.cnf.xml":      {Kind: ATAXMLFile, Key: "ATA001122334455"},
		"ATA1122334455" + "01.cnf.xml": {Kind: ATAXMLFile, Key: "ATA112233445501"},
		"ata001122334455":              {Kind: ATATextFile, Key: "ATA001122334455"},
		"SAA001122334455.cnf":          {Kind: GatewayCnfFile, Key: "SAA001122334455"},
		"saa001122334455.cnf":          {Kind: GatewayCnfFile, Key: "SAA001122334455"},
		"SAADefault.cnf":               {Kind: SAADefaultFile},
		"sdadefault.cnf":               {Kind: SDADefaultFile},
		"Analog-1.cnf":                 {Kind: GatewayCnfFile, Key: "Analog-1"},
		"sepia-gw.cnf":                 {Kind: GatewayCnfFile, Key: "sepia-gw"},
		"vg224.example.com.cnf.xml":    {Kind: MGCPFile, Key: "vg224.example.com"},
		"ANCHOR.cnf.xml":               {Kind: MGCPFile, Key: "ANCHOR"},
		// Near the MAC-carrying shapes but not of one: plain host names
		// (domain.GatewayNameShape), an MGCP gateway's if one is so named.
		"AN0C86385E3D4XX.cnf.xml": {Kind: MGCPFile, Key: "AN0C86385E3D4XX"},
		"SEP0000DE00000Z.cnf.xml": {Kind: MGCPFile, Key: "SEP0000DE00000Z"},
		"ATA00112233445Z.cnf.xml": {Kind: MGCPFile, Key: "ATA00112233445Z"},
		"annapolis-gw-01.cnf.xml": {Kind: MGCPFile, Key: "annapolis-gw-01"},
		"sepulveda-gw-01.cnf.xml": {Kind: MGCPFile, Key: "sepulveda-gw-01"},
		"anaheim-gw1.net.cnf.xml": {Kind: MGCPFile, Key: "anaheim-gw1.net"},
		"skigw-branch-01.cnf.xml": {Kind: MGCPFile, Key: "skigw-branch-01"},
	} {
		want.Name = in
		if got, ok := Resolve(in); !ok || got != want {
			t.Errorf("Resolve(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"SEP0000DE000001.cnf.xml", "SIP0000DE000001.cnf.xml", "SAA0000DE000001.cnf.xml", "-bad-.cnf.xml",
		"a..b.cnf.xml", "x/isr.cnf.xml", "ata00112233445"} {
		if got, ok := Resolve(in); ok && got.Kind.Needs() == NeedGateway {
			t.Errorf("Resolve(%q) = %v, want no gateway file", in, got)
		}
	}
	if got, _ := Resolve("SEP0000DE000001.cnf"); got.Kind != LegacyCnfFile || got.Key != "SEP0000DE000001" {
		t.Errorf("SEP<MAC>.cnf is %v, want the device's", got)
	}
}
