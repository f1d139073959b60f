package main

import (
	"context"
	"maps"
	"reflect"
	"strings"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// gatewayAPI starts the API on a store holding the demo site without its
// gateways (their servers, group, pool and lines stay).
func gatewayAPI(t *testing.T) (string, store.Store) {
	t.Helper()
	url, st := startAPI(t, nil)
	s := domain.DemoSite()
	s.Gateways = nil
	if _, err := st.Apply(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return url, st
}

func getGW(t *testing.T, st store.Store, name string) *domain.Gateway {
	t.Helper()
	g, err := store.Get[*domain.Gateway](context.Background(), st, name)
	if err != nil {
		t.Fatalf("gateway %s: %v", name, err)
	}
	return g
}

// TestGatewayCommands: gateway add|set|list|show|rm with every field,
// names from --model and --mac, and the errors of bad flags.
func TestGatewayCommands(t *testing.T) {
	url, st := gatewayAPI(t)
	for _, step := range []struct {
		args []string
		out  string // part of the output, or of the error
		fail bool
	}{
		{[]string{"gateway", "add", "--model", "VG224", "--mac", "001f.cac3.de10", "--group", "Demo-Group", "--pool", "Demo-Pool",
			"--description", "lobby", "--load", "vg224-15.1", "--endpoint", "2/0=4201,label=Door,locale=Germany,description=front door"}, "added gateway SKIGW1FCAC3DE10", false},
		{[]string{"gw", "add", "00:11:22:33:44:55", "--model", "ATA190", "--group", "Demo-Group", "--endpoint", "0/0=4301", "--endpoint", "0/1=4302"}, "added gateway ATA001122334455", false},
		{[]string{"gateway", "add", "--model", "ISR4321", "--group", "Demo-Group"}, "an MGCP gateway is named by its host name", true},
		{[]string{"gateway", "add", "--model", "ATA190", "--group", "Demo-Group"}, "give --mac", true},
		{[]string{"gateway", "add", "--group", "Demo-Group"}, "give NAME, or --model and --mac", true},
		{[]string{"gateway", "add", "--model", "7961", "--mac", "001122334466", "--group", "Demo-Group"}, "is a phone", true},
		{[]string{"gateway", "add", "br1.demo.example", "--model", "ISR4321", "--protocol", "mgcp", "--group", "Demo-Group",
			"--unit", "0=ISR-NIM", "--subunit", "0/1=NIM-4FXS@0", "--endpoint", "0/1/0=4401", "--endpoint", "0/1/1=4402,label=Fax",
			"--vendor", "DtmfRelay=nte-ca", "--vendor", "T38FaxRelay=enable"}, "added gateway br1.demo.example", false},
		{[]string{"gateway", "set", "br1.demo.example", "--vendor", "DtmfRelay=", "--vendor", "rtpUnreachableTimeout=500"}, "changed gateway br1.demo.example", false},
		{[]string{"gateway", "set", "br1.demo.example", "--subunit", "0/2=NIM-2FXS@0"}, "changed gateway", false},
		{[]string{"gateway", "set", "br1.demo.example", "--subunit", "1/0=NIM-2FXS"}, "the gateway has no unit 1", true},
		{[]string{"gateway", "set", "br1.demo.example", "--endpoint", "0-1-0=4401"}, "want UNIT/SUBUNIT/PORT", true},
		{[]string{"gateway", "set", "br1.demo.example", "--endpoint", "0/1/0=4401,colour=red"}, `"colour=red" is not label=`, true},
		{[]string{"gateway", "set", "br1.demo.example", "--vendor", "NoSuchKey=1"}, "vendorConfig.NoSuchKey", true},
		{[]string{"gateway", "set", "br1.demo.example", "--unit", "x"}, "want INDEX=PRODUCT", true},
	} {
		out, err := run(t, url, step.args...)
		if got := out + errText(err); (err != nil) != step.fail || !strings.Contains(got, step.out) {
			t.Fatalf("%v: %q, %v (want %q, failure %v)", step.args, out, err, step.out, step.fail)
		}
	}
	vg := getGW(t, st, "SKIGW1FCAC3DE10")
	wantEP := []domain.GatewayEndpoint{{Unit: 2, Port: 0, Line: "4201", Label: "Door", Locale: "Germany", Description: "front door"}}
	if vg.MAC != "001FCAC3DE10" || vg.Model != "VG224" || vg.Protocol != "SCCP" || vg.Pool != "Demo-Pool" || vg.Description != "lobby" ||
		vg.Load != "vg224-15.1" || !reflect.DeepEqual(vg.Endpoints, wantEP) {
		t.Errorf("VG224: %+v", vg)
	}
	br := getGW(t, st, "br1.demo.example")
	wantUnits := []domain.GatewayUnit{{Index: 0, Product: "ISR-NIM", Subunits: []domain.GatewaySubunit{{Index: 1, Product: "NIM-4FXS"}, {Index: 2, Product: "NIM-2FXS"}}}}
	if br.Protocol != "MGCP" || !maps.Equal(br.VendorConfig, map[string]string{"T38FaxRelay": "Enable", "rtpUnreachableTimeout": "500"}) ||
		!reflect.DeepEqual(br.Units, wantUnits) || len(br.Endpoints) != 2 || br.Endpoints[1].Label != "Fax" {
		t.Errorf("ISR: %+v", br)
	}
	checkGatewayListShowRm(t, url)
}

// checkGatewayListShowRm checks list, show (by name and by an ATA 190's
// port-2 name, with the files the gateway gets) and rm after
// TestGatewayCommands' steps.
func checkGatewayListShowRm(t *testing.T, url string) {
	t.Helper()
	out, err := run(t, url, "gateway", "list")
	if err != nil || !strings.Contains(out, "NAME              MODEL    PROTOCOL  GROUP       POOL       ENDPOINTS") ||
		!strings.Contains(out, "SKIGW1FCAC3DE10   VG224    SCCP      Demo-Group  Demo-Pool  1") ||
		!strings.Contains(out, "ATA001122334455   ATA190   SIP       Demo-Group  -          2") {
		t.Errorf("list:\n%s%v", out, err)
	}
	if out, err := run(t, url, "gateway", "show", domain.ATAPort2Name("001122334455"), "-o", "json"); err != nil || !strings.Contains(out, `"name": "ATA001122334455"`) {
		t.Errorf("show by the port-2 name:\n%s%v", out, err)
	}
	if out, err := run(t, url, "gateway", "show", "SKIGW1FCAC3DE10"); err != nil || !strings.Contains(out, "label: Door") ||
		!strings.Contains(out, "# files: SKIGW1FCAC3DE10.cnf.xml AN1FCAC3DE10200.cnf.xml\n") {
		t.Errorf("show:\n%s%v", out, err)
	}
	if _, err := run(t, url, "gateway", "show", "SKIGW0000000000"); err == nil || !strings.Contains(err.Error(), "SKIGW0000000000") {
		t.Errorf("show of an unknown gateway: %v", err)
	}
	if out, err := run(t, url, "gateway", "rm", "ATA001122334455"); err != nil || !strings.Contains(out, "deleted gateway ATA001122334455") {
		t.Errorf("rm: %q, %v", out, err)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestGatewayEndpointCommands: gateway endpoint add|rm|list edit one
// gateway's ports, refusing a taken port, an unknown port and an unknown
// gateway.
func TestGatewayEndpointCommands(t *testing.T) {
	url, st := gatewayAPI(t)
	if out, err := run(t, url, "gateway", "add", "SKIGW00DE0000A1", "--model", "VG224", "--mac", "0000DE0000A1", "--group", "Demo-Group", "--endpoint", "2/0=4201"); err != nil {
		t.Fatalf("add: %s%v", out, err)
	}
	for _, step := range []struct {
		args  []string
		out   string
		fail  bool
		ports int
	}{
		{[]string{"endpoint", "add", "SKIGW00DE0000A1", "2/1=4202", "2/2=4203,label=Lift phone"}, "gateway SKIGW00DE0000A1: 3 endpoints", false, 3},
		{[]string{"endpoint", "add", "SKIGW00DE0000A1", "2/0=4204"}, "port 2/0 already carries line 4201", true, 3},
		{[]string{"endpoint", "rm", "SKIGW00DE0000A1", "2/7"}, "no endpoint on port 2/7 (it has: 2/0 2/1 2/2)", true, 3},
		{[]string{"endpoint", "rm", "SKIGW00DE0000A1", "2/1"}, "gateway SKIGW00DE0000A1: 2 endpoints", false, 2},
		{[]string{"endpoint", "rm", "SKIGW00DE0000A1", "two"}, "want UNIT/SUBUNIT/PORT", true, 2},
		{[]string{"endpoint", "add", "SKIGW0000000000", "2/1=4202"}, "SKIGW0000000000", true, 2},
		{[]string{"endpoint", "list", "SKIGW00DE0000A1"}, "PORT  LINE  LABEL       LOCALE  DESCRIPTION\n2/0   4201  -           -       -\n2/2   4203  Lift phone  -       -\n", false, 2},
	} {
		out, err := run(t, url, append([]string{"gateway"}, step.args...)...)
		if got := out + errText(err); (err != nil) != step.fail || !strings.Contains(got, step.out) {
			t.Fatalf("%v: %q, %v (want %q)", step.args, out, err, step.out)
		}
		if n := len(getGW(t, st, "SKIGW00DE0000A1").Endpoints); n != step.ports {
			t.Errorf("after %v: %d endpoints, want %d", step.args, n, step.ports)
		}
	}
	if out, err := run(t, url, "gateway", "endpoint", "list", "SKIGW00DE0000A1", "-o", "json"); err != nil || !strings.Contains(out, `"label": "Lift phone"`) {
		t.Errorf("list -o json:\n%s%v", out, err)
	}
}

// TestGatewayModules: the module catalogue and each gateway model's layout,
// as the --unit and --subunit flags take them.
func TestGatewayModules(t *testing.T) {
	out, err := run(t, "http://127.0.0.1:1", "gateway", "modules")
	for _, want := range []string{"PRODUCT  ", "NIM-4FXS ", "ISR-NIM ", "VG224 ", "2=ANALOG 2/0=24FXS", "VG420 ", "0=ANALOG 0/1=48FXS 0/2=36FXS"} {
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("modules: no %q:\n%s%v", want, out, err)
		}
	}
	if strings.Contains(out, "7961") {
		t.Errorf("modules lists a phone:\n%s", out)
	}
}
