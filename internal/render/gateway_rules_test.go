package render

import (
	"bytes"
	"cmtftp/internal/domain"
	"encoding/xml"
	"errors"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestGatewayBuildCNF: Build Selective, All and None × every gateway model
// and protocol of the catalogue: <name>.cnf for Analog Access and Voice
// Mail Port under Selective, for every gateway under All, for none under
// None; SAA<MAC>.cnf and SDA<MAC>.cnf always; the family's own files
// whatever the value.
func TestGatewayBuildCNF(t *testing.T) {
	models := 0
	for _, m := range domain.Catalogue() {
		if m.Class != "gateway" {
			continue
		}
		models++
		for _, p := range m.Protocols {
			g := testGateway(t, &m, p)
			fam := domain.GatewayFamily(&m, p)
			module := fam == domain.FamilySAA || fam == domain.FamilySDA
			for _, bc := range []string{domain.BuildSelective, domain.BuildAll, domain.BuildNone} {
				c := &domain.GatewayConfig{Gateway: *g, Model: m, Units: domain.ModelLayout(&m),
					Params: domain.ParamValues{domain.ParamBuildCNFFiles: bc}}
				files := GatewayFiles(c)
				want := module || bc == domain.BuildAll || bc == domain.BuildSelective && (m.Name == "Analog Access" || m.Name == "Voice Mail Port")
				if got := slices.Contains(files, g.Name+".cnf"); got != want {
					t.Errorf("%s %s under %s: %s.cnf %v, want %v (files %q)", m.Name, p, bc, g.Name, got, want, files)
				}
				own := slices.DeleteFunc(slices.Clone(files), func(f string) bool { return f == g.Name+".cnf" && !module })
				if fam != domain.FamilyCnf && fam != domain.FamilyATAXML && len(own) == 0 {
					t.Errorf("%s %s under %s: no file of its own (%q)", m.Name, p, bc, files)
				}
				for _, f := range files {
					tg, ok := ResolveGateway(f, c)
					if !ok {
						t.Errorf("%s %s: %s resolves to %v", m.Name, p, f, tg)
						continue
					}
					if _, err := Render(tg, Records{Gateway: c}); err != nil {
						t.Errorf("%s %s: %s: %v", m.Name, p, f, err)
					}
				}
			}
		}
	}
	if models < 25 {
		t.Errorf("only %d gateway models in the catalogue", models)
	}
}

// testGateway is a gateway of model m under protocol p with the name its
// family asks by, checked as the store checks it.
func testGateway(t *testing.T, m *domain.Model, p string) *domain.Gateway {
	t.Helper()
	const mac = "0000DE00F0A1"
	g := &domain.Gateway{Name: domain.DefaultGatewayName(m, p, mac), MAC: mac, Model: m.Name, Protocol: p, Group: "G"}
	switch domain.GatewayFamily(m, p) {
	case domain.FamilyMGCP:
		g.Name, g.MAC = "gw1.example.com", ""
	case domain.FamilyCnf:
		g.Name, g.MAC = "AA-1", ""
	}
	if err := domain.Normalize(g); err != nil {
		t.Fatalf("%s %s: %v", m.Name, p, err)
	}
	if err := domain.CheckGateway(g, m); err != nil {
		t.Fatalf("%s %s: %v", m.Name, p, err)
	}
	return g
}

// TestGatewayNotBuilt: Render refuses, as not built, a name the gateway
// does not get, saying why; and a name of another family's gateway.
func TestGatewayNotBuilt(t *testing.T) {
	x := gatewaySite(t, domain.BuildSelective)
	vg, _ := x.GatewayConfig("SKIGW00DE0000A1")
	ata, _ := x.GatewayConfig("ATA0000DE0000C3") // ATA 186 SCCP, only port 1 configured
	for _, tc := range []struct {
		name string
		c    *domain.GatewayConfig
		why  string
	}{
		{"AN00DE0000A1203.cnf.xml", vg, "does not get AN00DE0000A1203.cnf.xml"},
		{"SKIGW00DE0000A1.cnf", vg, "under Build Selective"},
		{"ATA0000DE0000C3.cnf.xml", ata, "does not get"},
		{"ATA0000DE0000C3.cnf", ata, "does not get"},
		{"ATA0000DE0000C3" + "", ata, "does not get"},
		{"ATA0000DE0000C3.cnf.xml", vg, "does not get"},
	} {
		tg, ok := Resolve(tc.name)
		if !ok {
			tg = Target{Kind: ATATextFile, Key: tc.c.Gateway.Name, Name: tc.name}
		}
		_, err := Render(tg, Records{Gateway: tc.c})
		if !errors.Is(err, ErrNotBuilt) || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("%s of %s: %v, want not built (%s)", tc.name, tc.c.Gateway.Name, err, tc.why)
		}
	}
	if _, err := Render(Target{Kind: SKIGWFile, Name: "SKIGW00DE0000A1.cnf.xml"}, Records{}); err == nil || errors.Is(err, ErrNotBuilt) {
		t.Errorf("no records: %v, want the caller's error", err)
	}
}

// vendorRow is a row of the MGCP IOS mapping table of docs/gateways.md.
var vendorRow = regexp.MustCompile("(?m)^\\| `vendorConfig/([A-Za-z0-9]+)` \\|")

// TestIOSMapping: the vendorConfig keys the IOS mapping table of
// docs/gateways.md documents, the vendorConfig children of a rendered MGCP
// file and domain.VendorKeys are one set.
func TestIOSMapping(t *testing.T) {
	doc, err := os.ReadFile("../../docs/gateways.md")
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, m := range vendorRow.FindAllSubmatch(doc, -1) {
		documented = append(documented, string(m[1]))
	}
	c, err := demo(t).GatewayConfig("isr4321.demo.example")
	if err != nil {
		t.Fatal(err)
	}
	rendered, err := vendorChildren(MGCP(c))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, k := range domain.VendorKeys() {
		keys = append(keys, k.Name)
	}
	slices.Sort(documented)
	slices.Sort(rendered)
	slices.Sort(keys)
	if len(keys) == 0 || !slices.Equal(documented, rendered) || !slices.Equal(rendered, keys) {
		t.Errorf("vendorConfig keys differ:\n docs/gateways.md %q\n rendered         %q\n domain           %q", documented, rendered, keys)
	}
}

// vendorChildren returns the names of the children of <vendorConfig> in
// an MGCP file.
func vendorChildren(b []byte) ([]string, error) {
	var doc struct {
		Vendor struct {
			Items []struct {
				XMLName xml.Name
				Value   string `xml:",chardata"`
			} `xml:",any"`
		} `xml:"vendorConfig"`
	}
	if err := xml.NewDecoder(bytes.NewReader(b)).Decode(&doc); err != nil {
		return nil, err
	}
	var out []string
	for _, it := range doc.Vendor.Items {
		out = append(out, it.XMLName.Local)
	}
	return out, nil
}
