package main

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// TestImportGateways: cmtftp import of a gateway CSV (found by its
// header) over the admin API into SQLite: one record per gateway with its
// endpoints, lines created or updated; a second run changes nothing.
func TestImportGateways(t *testing.T) {
	url, st := gatewayAPI(t)
	ctx := context.Background()
	out, err := run(t, url, "import", "--dry-run", "testdata/gateways.csv")
	if err != nil || !strings.Contains(out, "testdata/gateways.csv: 4 gateways and 7 lines would be imported") {
		t.Fatalf("dry run: %s%v", out, err)
	}
	if gs, _ := st.List(ctx, domain.KindGateway); len(gs) != 0 {
		t.Fatalf("a dry run wrote %d gateways", len(gs))
	}
	out, err = run(t, url, "import", "testdata/gateways.csv")
	if err != nil || !strings.Contains(out, "imported testdata/gateways.csv: 4 gateways (8 rows); records created 4, updated 7, unchanged 0") {
		t.Fatalf("import: %s%v", out, err)
	}
	vg := getGW(t, st, "SKIGW1FCAC3DE10")
	if len(vg.Endpoints) != 3 || vg.Endpoints[1].Label != "Lift" || vg.Endpoints[1].Locale != "Germany" || vg.Pool != "Demo-Pool" {
		t.Errorf("VG224: %+v", vg)
	}
	isr := getGW(t, st, "br1.demo.example")
	if len(isr.Units) != 1 || isr.Units[0].Subunits[0].Product != "NIM-4FXS" || isr.Protocol != "MGCP" {
		t.Errorf("ISR: %+v", isr)
	}
	if l, err := store.Get[*domain.Line](ctx, st, "4401"); err != nil || l.DisplayName != "Branch fax" || l.Label != "Fax" {
		t.Errorf("line 4401: %+v, %v", l, err)
	}
	out, err = run(t, url, "import", "testdata/gateways.csv")
	if err != nil || !strings.Contains(out, "records created 0, updated 0, unchanged 11") {
		t.Errorf("again: %s%v", out, err)
	}
	out, err = run(t, url, "import", "--gateways", "testdata/gateways-flag.csv")
	if err != nil || !strings.Contains(out, "imported testdata/gateways-flag.csv: 1 gateways") {
		t.Errorf("--gateways: %s%v", out, err)
	}
	if g := getGW(t, st, "ATA0000DE0000C1"); g.Protocol != "SIP" || len(g.Endpoints) != 1 {
		t.Errorf("--gateways: %+v", g)
	}
}

// TestImportGatewaysBadRows: a file with bad rows is reported row by row
// and writes nothing, not even its good gateway.
func TestImportGatewaysBadRows(t *testing.T) {
	url, st := gatewayAPI(t)
	out, err := run(t, url, "import", "testdata/gateways-bad.csv")
	if err == nil || !strings.Contains(err.Error(), "import testdata/gateways-bad.csv: 9 bad rows; nothing was written") {
		t.Fatalf("import: %s%v", out, err)
	}
	for _, want := range []string{
		"testdata/gateways-bad.csv:3: PORT: port 2/0 of gateway SKIGW1FCAC3DE10 is also on line 2\n",
		"testdata/gateways-bad.csv:5: PORT: gateway ATA0000DE0000B1: port 0/0/5 is on no subunit",
		"testdata/gateways-bad.csv:11: GATEWAY TYPE: no model \"VG999\"",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if gs, _ := st.List(context.Background(), domain.KindGateway); len(gs) != 0 {
		t.Errorf("%d gateways written", len(gs))
	}
}

// TestGatewaySiteRoundTrip: a site YAML with the three demo gateways
// (SCCP VG224, ATA 190, MGCP ISR with units and vendor configuration)
// goes in with apply and comes back the same from export, in YAML and
// JSON.
func TestGatewaySiteRoundTrip(t *testing.T) {
	url, _ := startAPI(t, nil)
	if out, err := run(t, url, "apply", "-f", "testdata/gateways-site.yaml"); err != nil {
		t.Fatalf("apply: %s%v", out, err)
	}
	b, err := os.ReadFile("testdata/gateways-site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var want domain.Site
	if err := yaml.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"yaml", "json"} {
		out, err := run(t, url, "export", "-o", format)
		if err != nil {
			t.Fatalf("export -o %s: %v", format, err)
		}
		var got domain.Site
		if format == "yaml" {
			err = yaml.Unmarshal([]byte(out), &got)
		} else {
			err = json.Unmarshal([]byte(out), &got)
		}
		if err != nil || !strings.Contains(out, "ISR-NIM") {
			t.Fatalf("export -o %s: %v\n%s", format, err, out)
		}
		if !reflect.DeepEqual(got.Gateways, want.Gateways) {
			g, _ := json.MarshalIndent(got.Gateways, "", " ")
			w, _ := json.MarshalIndent(want.Gateways, "", " ")
			t.Errorf("export -o %s gateways:\n%s\nwant:\n%s", format, g, w)
		}
	}
}
