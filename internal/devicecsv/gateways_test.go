package devicecsv

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"cmtftp/internal/domain"
)

// gatewaySite is what a gateway file refers to: the catalogue, the demo
// group and pool.
func gatewaySite() *domain.Site {
	s := &domain.Site{Groups: []*domain.Group{{Name: "Demo-Group"}}, Pools: []*domain.Pool{{Name: "Demo-Pool"}}}
	for _, m := range domain.Catalogue() {
		s.Models = append(s.Models, &m)
	}
	return s
}

func openTestdata(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestParseGateways: the rows of one gateway merge into one record with
// its endpoints, units and lines; names come from the MAC and the model.
func TestParseGateways(t *testing.T) {
	f, errs := ParseGateways(openTestdata(t, "gateways.csv"), gatewaySite())
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	names := []string{}
	for _, g := range f.Gateways {
		names = append(names, g.Name)
	}
	if want := []string{"SKIGW1FCAC3DE10", "ATA0000DE0000B1", "br1.demo.example", "aa1.demo.example"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("gateways %v, want %v", names, want)
	}
	vg := f.Gateways[0]
	wantEP := []domain.GatewayEndpoint{{Unit: 2, Port: 0, Line: "4201"}, {Unit: 2, Port: 1, Line: "4202", Label: "Lift", Locale: "Germany"}, {Unit: 2, Port: 2, Line: "4203"}}
	if vg.MAC != "001FCAC3DE10" || vg.Model != "VG224" || vg.Protocol != "SCCP" || vg.Pool != "Demo-Pool" || vg.Description != "VG224 lobby" ||
		!reflect.DeepEqual(vg.Endpoints, wantEP) || vg.Units != nil {
		t.Errorf("VG224: %+v", vg)
	}
	if ata := f.Gateways[1]; ata.Protocol != "SIP" || len(ata.Endpoints) != 2 || ata.Endpoints[1].Port != 1 {
		t.Errorf("ATA: %+v", ata)
	}
	isr := f.Gateways[2]
	wantUnits := []domain.GatewayUnit{{Index: 0, Product: "ISR-NIM", Subunits: []domain.GatewaySubunit{{Index: 1, Product: "NIM-4FXS"}}}}
	if !reflect.DeepEqual(isr.Units, wantUnits) || len(isr.Endpoints) != 2 || isr.Endpoints[0].Subunit != 1 {
		t.Errorf("ISR: %+v", isr)
	}
	if aa := f.Gateways[3]; len(aa.Endpoints) != 0 || aa.Model != "Analog Access" {
		t.Errorf("Analog Access: %+v", aa)
	}
	if l := f.Lines["4201"]; len(f.Lines) != 7 || l.DisplayName != "Lobby door" || l.Label != "Door" {
		t.Errorf("lines: %d, 4201 %+v", len(f.Lines), l)
	}
	if f.LineOf["br1.demo.example"] != 7 || f.Rows != 8 {
		t.Errorf("LineOf %v, rows %d", f.LineOf, f.Rows)
	}
}

// TestParseGatewaysErrors: every bad row has its error on its line; the
// good gateway is kept.
func TestParseGatewaysErrors(t *testing.T) {
	f, errs := ParseGateways(openTestdata(t, "gateways-bad.csv"), gatewaySite())
	want := map[int]string{
		3:  "PORT: port 2/0 of gateway SKIGW1FCAC3DE10 is also on line 2",
		4:  `CALL MANAGER GROUP: no call-control group "Other-Group"`,
		5:  "PORT: gateway ATA0000DE0000B1: port 0/0/5 is on no subunit",
		6:  "GATEWAY NAME: no GATEWAY NAME and no MAC ADDRESS",
		7:  `DEVICE POOL: no device pool "No-Pool"`,
		8:  "DISPLAY NAME: directory number 4201 has another display name or label on line 2",
		9:  `PORT: port "two": want UNIT/SUBUNIT/PORT`,
		10: "PORT: DIRECTORY NUMBER without a PORT",
		11: `GATEWAY TYPE: no model "VG999"`,
	}
	if len(errs) != len(want) {
		t.Errorf("%d errors, want %d: %v", len(errs), len(want), errs)
	}
	for _, e := range errs {
		if w, ok := want[e.Line]; !ok || !strings.Contains(e.Error(), w) {
			t.Errorf("error %v, want %q on line %d", e, w, e.Line)
		}
	}
	if len(f.Gateways) != 1 || f.Gateways[0].Name != "ok.demo.example" {
		t.Errorf("good gateways: %+v", f.Gateways)
	}
}

// TestParseGatewaysHeader: a header without the required columns, or
// with an unknown one, is an error on line 1; IsGatewayHeader tells
// gateway files from device files.
func TestParseGatewaysHeader(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "the file is empty"},
		{"GATEWAY TYPE,CALL MANAGER GROUP\n", "no GATEWAY NAME or MAC ADDRESS column"},
		{"GATEWAY NAME,CALL MANAGER GROUP\n", "no GATEWAY TYPE column"},
		{"GATEWAY NAME,GATEWAY TYPE\n", "no CALL MANAGER GROUP column"},
		{"GATEWAY NAME,GATEWAY TYPE,CALL MANAGER GROUP,SLOT\n", "SLOT: unknown column"},
		{"GATEWAY NAME,GATEWAY TYPE,CALL MANAGER GROUP,PORT,Port\n", "column given twice"},
	} {
		_, errs := ParseGateways(strings.NewReader(tc.in), gatewaySite())
		if len(errs) == 0 || errs[0].Line != 1 || !strings.Contains(errs[0].Error(), tc.want) {
			t.Errorf("header %q: %v, want %q", tc.in, errs, tc.want)
		}
	}
	for in, want := range map[string]bool{"\ufeffGateway_Type,PORT\n": true, "GATEWAY NAME\n": true, "MAC ADDRESS,DEVICE TYPE,DEVICE POOL\n": false, "": false} {
		if got := SniffGateways(strings.NewReader(in)); got != want {
			t.Errorf("SniffGateways(%q) = %v", in, got)
		}
	}
}

// FuzzParseGateways: no input makes the parser panic, and every gateway it
// returns passes the store's checks.
func FuzzParseGateways(f *testing.F) {
	for _, name := range []string{"gateways.csv", "gateways-bad.csv"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	site := gatewaySite()
	models := map[string]*domain.Model{}
	for _, m := range site.Models {
		models[m.Name] = m
	}
	f.Fuzz(func(t *testing.T, in string) {
		gf, _ := ParseGateways(strings.NewReader(in), site)
		for _, g := range gf.Gateways {
			c := *g
			if err := domain.Normalize(&c); err != nil {
				t.Fatalf("%+v: %v", g, err)
			}
			if err := domain.CheckGateway(&c, models[c.Model]); err != nil {
				t.Fatalf("%+v: %v", g, err)
			}
		}
	})
}

// TestParseGatewaysSpellings: rows of one gateway that spell its name
// differently (SKIGW in two cases; a MAC only and the ATA name in lower
// case) merge into one record keyed by the normalized name, and a second
// row for a port the merged rows already gave is an error on its row.
func TestParseGatewaysSpellings(t *testing.T) {
	f, errs := ParseGateways(openTestdata(t, "gateways-spellings.csv"), gatewaySite())
	if len(errs) != 1 || errs[0].Line != 6 || !strings.Contains(errs[0].Error(), "port 0/1 of gateway ATA0000DE0000B1 is also on line 5") {
		t.Errorf("errors %v, want one: port 0/1 again on line 6", errs)
	}
	if len(f.Gateways) != 1 {
		t.Fatalf("gateways %+v, want the VG224 only (the ATA has a bad row)", f.Gateways)
	}
	vg := f.Gateways[0]
	want := []domain.GatewayEndpoint{{Unit: 2, Port: 0, Line: "4201"}, {Unit: 2, Port: 1, Line: "4202"}}
	if vg.Name != "SKIGW00DE0000A1" || !reflect.DeepEqual(vg.Endpoints, want) || f.LineOf["SKIGW00DE0000A1"] != 2 {
		t.Errorf("VG224 %+v (line %v), want both ports", vg, f.LineOf)
	}
	good := strings.Join(strings.Split(readTestdata(t, "gateways-spellings.csv"), "\n")[:5], "\n")
	f, errs = ParseGateways(strings.NewReader(good), gatewaySite())
	if len(errs) != 0 || len(f.Gateways) != 2 || f.Gateways[1].Name != "ATA0000DE0000B1" || len(f.Gateways[1].Endpoints) != 2 {
		t.Errorf("without the repeated port: %+v, %v; want the ATA with ports 0/0 and 0/1", f.Gateways, errs)
	}
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
