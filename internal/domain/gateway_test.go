package domain

import (
	"errors"
	"strings"
	"testing"
)

func TestGatewayNames(t *testing.T) {
	mac, _ := ParseMAC("001f.cac3.de10")
	for _, c := range []struct{ got, want string }{
		{SKIGWName(mac), "SKIGW1FCAC3DE10"},
		{PortFileName(MACTail("000C86385E3D"), GatewayEndpoint{Unit: 4, Port: 0}), "AN0C86385E3D400.cnf.xml"},
		{PortFileName(MACTail("000C86385E3D"), GatewayEndpoint{Unit: 4, Port: 1}), "AN0C86385E3D401.cnf.xml"},
		{GatewayEndpoint{Unit: 2, Port: 23}.PortID(), "223"},
		{GatewayEndpoint{Subunit: 1, Port: 5}.PortID(), "105"},
		{ATAPort2Name("001122334455"), "ATA11223344550" + "1"},
		{ATATextName("0011223344AA"), "ata0011223344aa"},
		{GatewayEndpoint{Unit: 0, Subunit: 1, Port: 3}.AALN(), "AALN/S0/SU1/3"},
		{GatewayEndpoint{Unit: 2, Port: 3}.Address(false), "2/3"},
		{GatewayEndpoint{Subunit: 1, Port: 3}.Address(true), "0/1/3"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestNormGateway(t *testing.T) {
	for _, c := range []struct {
		g     Gateway
		field string // "" valid
	}{
		{Gateway{Name: "SKIGW1FCAC3DE10", MAC: "001f.cac3.de10", Model: "VG224", Group: "G"}, ""},
		{Gateway{Name: "skigw1fcac3de10", Model: "VG224", Group: "G"}, ""},
		{Gateway{Name: "SKIGW1FCAC3DE10", MAC: "001f.cac3.de11", Model: "VG224", Group: "G"}, "mac"},
		{Gateway{Name: "ata001122334455", Model: "ATA190", Group: "G"}, ""},
		{Gateway{Name: "ATA001122334455", MAC: "00:11:22:33:44:56", Model: "ATA190", Group: "G"}, "mac"},
		{Gateway{Name: "SEP001122334455", Model: "ATA190", Group: "G"}, "name"},
		{Gateway{Name: "AN1FCAC3DE10000", Model: "VG224", Group: "G"}, "name"},
		{Gateway{Name: "../etc/passwd", Model: "ISR4321", Group: "G"}, "name"},
		{Gateway{Name: "gw1.example.com", Model: "ISR4321", Group: "G", Protocol: "h323"}, "protocol"},
		{Gateway{Name: "gw1.example.com", Model: "ISR4321", Group: "G", VendorConfig: map[string]string{"Bogus": "1"}}, "vendorConfig.Bogus"},
		{Gateway{Name: "gw1.example.com", Model: "ISR4321", Group: "G", VendorConfig: map[string]string{"DtmfRelay": "loud"}}, "vendorConfig.DtmfRelay"},
		{Gateway{Name: "gw1.example.com", Model: "ISR4321", Group: "G", VendorConfig: map[string]string{"rtpUnreachableTimeout": "-1"}}, "vendorConfig.rtpUnreachableTimeout"},
		{Gateway{Name: "gw1.example.com", Model: "ISR4321", Group: "G", Endpoints: []GatewayEndpoint{{Port: 1, Line: "1"}, {Port: 1, Line: "2"}}}, "endpoints[1]"},
		{Gateway{Name: "gw1.example.com", Model: "ISR4321", Group: "G", Endpoints: []GatewayEndpoint{{Port: 1, Line: "<x>"}}}, "endpoints[0].line"},
		{Gateway{Name: "gw1.example.com", Model: "ISR4321", Group: "G", Units: []GatewayUnit{{Index: 0, Product: "A"}, {Index: 0, Product: "B"}}}, "units[1].index"},
		{Gateway{Name: "gw1.example.com", Model: "ISR4321"}, "group"},
	} {
		err := Normalize(&c.g)
		var fe *FieldError
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.g.Name, err)
		case c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field):
			t.Errorf("%s: want an error on %s, got %v", c.g.Name, c.field, err)
		}
	}
}

func TestCheckGateway(t *testing.T) {
	x := NewIndex(DemoSite())
	for _, g := range DemoSite().Gateways {
		if err := Normalize(g); err != nil {
			t.Fatal(err)
		}
		m, _ := x.Model(g.Model)
		if err := CheckGateway(g, m); err != nil {
			t.Errorf("demo gateway %s: %v", g.Name, err)
		}
	}
	model := func(n string) *Model { m, _ := x.Model(n); return m }
	for _, c := range []struct {
		g    Gateway
		want string
	}{
		{Gateway{Name: "gw.example.com", Model: "7961"}, "is a phone"},
		{Gateway{Name: "gw.example.com", Model: "VG224", Protocol: ProtocolSCCP}, "named SKIGW"},
		{Gateway{Name: "gw.example.com", Model: "ATA190"}, "named ATA"},
		{Gateway{Name: "gw_1", Model: "ISR4321"}, "host name"},
		{Gateway{Name: "SKIGW1FCAC3DE10", Model: "VG224", Endpoints: []GatewayEndpoint{{Unit: 2, Port: 24, Line: "1"}}}, "on no subunit"},
		{Gateway{Name: "SKIGW1FCAC3DE10", Model: "VG224", Endpoints: []GatewayEndpoint{{Unit: 0, Port: 0, Line: "1"}}}, "on no subunit"},
		{Gateway{Name: "ATA001122334455", MAC: "001122334455", Model: "ATA190", Endpoints: []GatewayEndpoint{{Port: 2, Line: "1"}}}, "on no subunit"},
		{Gateway{Name: "gw.example.com", Model: "ISR4321", Units: []GatewayUnit{{Index: 0, Product: "ISR-NIM", Subunits: []GatewaySubunit{{Index: 1, Product: "NIM-99FXS"}}}}}, "not a subunit product"},
		{Gateway{Name: "gw.example.com", Model: "ISR4321", Protocol: ProtocolSIP}, "runs MGCP"},
	} {
		err := CheckGateway(&c.g, model(c.g.Model))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s (%s): want %q, got %v", c.g.Name, c.g.Model, c.want, err)
		}
	}
}

func TestIndexGatewayConfig(t *testing.T) {
	x := NewIndex(DemoSite())
	c, err := x.GatewayConfig("ATA0000DE0000B1")
	if err != nil || len(c.Endpoints) != 2 || c.Endpoints[1].Line.Number != "4302" {
		t.Fatalf("ATA 190: %+v %v", c, err)
	}
	p2, err := x.GatewayConfig(ATAPort2Name("0000DE0000B1"))
	if err != nil || p2.Gateway.Name != "ATA0000DE0000B1" {
		t.Fatalf("ATA 190 port 2 %s: %v", ATAPort2Name("0000DE0000B1"), err)
	}
	vg, err := x.GatewayConfig("SKIGW00DE0000A1")
	if err != nil || len(vg.Units) != 1 || vg.Units[0].Index != 2 || vg.ThreeLevel() {
		t.Fatalf("VG224 layout: %+v %v", vg, err)
	}
	if _, ok := vg.Endpoint("202"); !ok {
		t.Error("VG224 port 2/2 has no port id 202")
	}
	if _, err := x.GatewayConfig("SKIGW0000000000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing gateway: %v", err)
	}
}
