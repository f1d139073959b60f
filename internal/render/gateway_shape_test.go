package render

import (
	"cmtftp/internal/domain"
	"errors"
	"fmt"
	"slices"
	"testing"
)

// TestGatewayFilesResolveBack: for every gateway model and protocol × a
// few names its family takes (the domain's checks passed), every file of
// GatewayFiles resolves to a target of the kind the family gives it whose
// key leads back to the same gateway (ResolveGateway), and renders.
func TestGatewayFilesResolveBack(t *testing.T) {
	macs := []string{"0000DE00F0A1", "001FCAC3DE10", "A0B1C2D3E4F5"}
	hosts := []string{"gw1.example.com", "annapolis-gw-01", "sepulveda-gw-01", "skigw-branch-01", "anaheim-gw1.net"}
	plain := []string{"AA-1", "LOBBY-DEFAULT", "sepulveda-aa-01", "ata-lobby"}
	checked := 0
	for _, m := range domain.Catalogue() {
		if m.Class != "gateway" {
			continue
		}
		for _, p := range m.Protocols {
			names := map[string]string{} // name → MAC
			for _, mac := range macs {
				names[domain.DefaultGatewayName(&m, p, mac)] = mac
			}
			switch domain.GatewayFamily(&m, p) {
			case domain.FamilyMGCP:
				names = map[string]string{}
				for _, h := range hosts {
					names[h] = ""
				}
			case domain.FamilyCnf:
				names = map[string]string{}
				for _, n := range plain {
					names[n] = ""
				}
			}
			for name, mac := range names {
				c := shapeGateway(t, &m, p, name, mac)
				checked += resolvesBack(t, c)
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d files checked", checked)
	}
}

// shapeGateway is a gateway of model m under p named name, with endpoints
// on the first two ports of every subunit (ports 0 and 1 of an ATA),
// checked as the store checks it, under Build All.
func shapeGateway(t *testing.T, m *domain.Model, p, name, mac string) *domain.GatewayConfig {
	t.Helper()
	g := &domain.Gateway{Name: name, MAC: mac, Model: m.Name, Protocol: p, Group: "G"}
	units := domain.ModelLayout(m)
	for _, u := range units {
		for _, s := range u.Subunits {
			for port := s.BeginPort; port < s.BeginPort+min(2, domain.SubunitPorts(m, s)); port++ {
				g.Endpoints = append(g.Endpoints, domain.GatewayEndpoint{Unit: u.Index, Subunit: s.Index, Port: port})
			}
		}
	}
	if len(units) == 0 && m.MaxLines >= 2 && domain.GatewayFamily(m, p) != domain.FamilyCnf {
		g.Endpoints = []domain.GatewayEndpoint{{Port: 0}, {Port: 1}}
	}
	for i := range g.Endpoints {
		g.Endpoints[i].Line = fmt.Sprintf("47%02d", i)
	}
	if len(g.Endpoints) > m.MaxLines {
		g.Endpoints = g.Endpoints[:m.MaxLines]
	}
	if err := domain.Normalize(g); err != nil {
		t.Fatalf("%s %s %s: %v", m.Name, p, name, err)
	}
	if err := domain.CheckGateway(g, m); err != nil {
		t.Fatalf("%s %s %s: %v", m.Name, p, name, err)
	}
	c := &domain.GatewayConfig{Gateway: *g, Model: *m, Units: units, Group: domain.Group{Name: "G"},
		Params: domain.ParamValues{domain.ParamBuildCNFFiles: domain.BuildAll}}
	for _, e := range g.Endpoints {
		c.Endpoints = append(c.Endpoints, domain.EndpointConfig{GatewayEndpoint: e, Line: domain.Line{Number: e.Line, DisplayName: "P" + e.Line}})
	}
	return c
}

// resolvesBack checks every file of c and returns how many it checked.
func resolvesBack(t *testing.T, c *domain.GatewayConfig) int {
	t.Helper()
	files := familyFiles(c)
	for _, f := range files {
		tg, ok := Resolve(f.name)
		if !ok || tg.Kind != f.kind {
			t.Errorf("%s (%s %s): %s resolves to %v %v, want a %v", c.Gateway.Name, c.Model.Name, c.Gateway.Protocol, f.name, tg, ok, f.kind)
			continue
		}
		if _, ok := ResolveGateway(f.name, c); !ok {
			t.Errorf("%s (%s): %s's key %q is not the gateway's", c.Gateway.Name, c.Model.Name, f.name, tg.Key)
		}
		if _, err := Render(tg, Records{Gateway: c}); err != nil {
			t.Errorf("%s (%s): %s: %v", c.Gateway.Name, c.Model.Name, f.name, err)
		}
	}
	return len(files)
}

// TestGatewayWrongKind: a gateway whose name has another family's shape
// (as the domain took it before review 17 #1) is not given that family's
// file: Render refuses the target as not built instead of rendering an
// ATA 190's or an SCCP gateway's body for an MGCP router.
func TestGatewayWrongKind(t *testing.T) {
	isr, err := demo(t).Model("ISR4321")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, mac, file string }{
		{"ATA001122AABBCC", "001122AABBCC", "ATA001122AABBCC.cnf.xml"},
		{"SKIGW0011223344", "", "SKIGW0011223344.cnf.xml"},
	} {
		c := &domain.GatewayConfig{Gateway: domain.Gateway{Name: tc.name, MAC: tc.mac, Model: "ISR4321", Protocol: domain.ProtocolMGCP},
			Model: *isr, Group: domain.Group{Name: "G"}}
		if got := GatewayFiles(c); !slices.Equal(got, []string{tc.file}) {
			t.Fatalf("%s: files %q", tc.name, got)
		}
		tg, ok := Resolve(tc.file)
		if !ok || tg.Kind == MGCPFile {
			t.Fatalf("%s resolves to %v: the test needs another family's kind", tc.file, tg)
		}
		if b, err := Render(tg, Records{Gateway: c}); !errors.Is(err, ErrNotBuilt) {
			t.Errorf("%s of MGCP %s: %v (%d bytes), want not built", tc.file, tc.name, err, len(b))
		}
		if _, ok := ResolveGateway(tc.file, c); ok {
			t.Errorf("%s: ResolveGateway takes it for the MGCP gateway's", tc.file)
		}
	}
}

// TestResolveCnfNames: a gateway's <name>.cnf whose name only starts like
// a phone's (sepulveda-gw-01.cnf, sip-trunk-gw-1.cnf) resolves to the
// gateway's file, not to no file (review 17 #2).
func TestResolveCnfNames(t *testing.T) {
	for in, want := range map[string]Target{
		"sepulveda-gw-01.cnf": {Kind: GatewayCnfFile, Key: "sepulveda-gw-01"},
		"sip-trunk-gw-1.cnf":  {Kind: GatewayCnfFile, Key: "sip-trunk-gw-1"},
		"SEP0000DE000001.cnf": {Kind: LegacyCnfFile, Key: "SEP0000DE000001"},
		"SIP0000DE000001.cnf": {Kind: SIPCnfFile, Key: "SEP0000DE000001"},
	} {
		want.Name = in
		if got, ok := Resolve(in); !ok || got != want {
			t.Errorf("Resolve(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
}

// TestGatewayDepsAskedName: a file asked by an ATA 190's port-2 name
// depends on that name as a gateway too (review 17 #4): a gateway added
// under it invalidates the kept file.
func TestGatewayDepsAskedName(t *testing.T) {
	c, err := demo(t).GatewayConfig("ATA0000DE0000B1")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]Dep{
		"ATA00DE0000B101.cnf.xml": {{domain.KindGateway, "ATA0000DE0000B1"}, {domain.KindGateway, "ATA00DE0000B101"}},
		"ATA0000DE0000B1.cnf.xml": {{domain.KindGateway, "ATA0000DE0000B1"}},
	} {
		tg, _ := ResolveGateway(name, c)
		var got []Dep
		for _, d := range Deps(tg, Records{Gateway: c}) {
			if d.Kind == domain.KindGateway {
				got = append(got, d)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: gateway deps %v, want %v", name, got, want)
		}
	}
}
