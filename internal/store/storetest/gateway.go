package storetest

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// ata is a gateway the fixture does not hold: an ATA 190 on lines 4002
// (port 0) and 4100 (port 1).
func ata() *domain.Gateway {
	return &domain.Gateway{Name: "ATA0011220000A1", MAC: "0011220000A1", Model: "ATA190", Group: "G1", Pool: "HQ",
		Description: "fax", Endpoints: []domain.GatewayEndpoint{{Port: 1, Line: "4100"}, {Port: 0, Line: "4002", Label: "Fax"}}}
}

// testGatewayCRUD: a gateway is created (its protocol filled in from the
// model, endpoints in address order), read back, listed in key order,
// refused a second time, put unchanged without a write, put changed, and
// deleted.
func testGatewayCRUD(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	g := ata()
	if err := s.Create(c, g); err != nil {
		t.Fatal(err)
	}
	if g.Protocol != domain.ProtocolSIP || g.Endpoints[0].Port != 0 {
		t.Errorf("created gateway not normalised: %+v", g)
	}
	if err := s.Create(c, ata()); !errors.Is(err, domain.ErrExists) {
		t.Errorf("create twice: %v, want ErrExists", err)
	}
	got, err := store.Get[*domain.Gateway](c, s, g.Name)
	if err != nil || !sameJSON(got, g) {
		t.Fatalf("get: %s %v, want %s", js(got), err, js(g))
	}
	gws, err := store.List[*domain.Gateway](c, s)
	if err != nil || len(gws) != 3 || gws[0].Name != g.Name || gws[1].Name != "SKIGW1FCAC3DE10" || gws[2].Name != "VMPORT1" {
		t.Fatalf("list: %s %v", js(gws), err)
	}
	last, _ := s.LastChange(c)
	if changed, err := s.Put(c, ata()); err != nil || changed {
		t.Errorf("put unchanged: changed=%v %v", changed, err)
	}
	if now, _ := s.LastChange(c); now != last {
		t.Errorf("an unchanged put wrote change events %d..%d", last, now)
	}
	got.Endpoints[1].Line = "4001"
	if changed, err := s.Put(c, got); err != nil || !changed {
		t.Errorf("put changed: changed=%v %v", changed, err)
	}
	if g2, _ := store.Get[*domain.Gateway](c, s, g.Name); g2 == nil || g2.Endpoints[1].Line != "4001" {
		t.Errorf("after put: %s", js(g2))
	}
	if err := s.Delete(c, domain.KindGateway, g.Name); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(c, domain.KindGateway, g.Name); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("deleted gateway: %v, want ErrNotFound", err)
	}
}

// testGatewayApply: the demo site's gateways apply, come back from an
// export (LoadSite) as written — vendor configuration, units, endpoints —
// and the export applies again with nothing changed.
func testGatewayApply(t *testing.T, s store.Store) {
	c := ctx(t)
	site := domain.DemoSite()
	if _, err := s.Apply(c, site); err != nil {
		t.Fatal(err)
	}
	out, err := store.LoadSite(c, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Gateways) != 3 {
		t.Fatalf("exported %d gateways, want 3", len(out.Gateways))
	}
	byName := map[string]*domain.Gateway{}
	for _, g := range out.Gateways {
		byName[g.Name] = g
	}
	for _, want := range site.Gateways {
		if got := byName[want.Name]; !sameJSON(got, want) {
			t.Errorf("%s:\n got  %s\n want %s", want.Name, js(got), js(want))
		}
	}
	isr := byName["isr4321.demo.example"]
	if isr == nil || isr.VendorConfig["DtmfRelay"] != "nte-ca" || len(isr.Units) != 1 || isr.Units[0].Subunits[0].Product != "NIM-4FXS" {
		t.Errorf("the ISR's vendor configuration and units: %s", js(isr))
	}
	out.Models = slices.DeleteFunc(out.Models, func(m *domain.Model) bool { return m.Builtin }) // as export leaves them out
	last, _ := s.LastChange(c)
	res, err := s.Apply(c, out)
	if err != nil || res.Created != 0 || res.Updated != 0 {
		t.Errorf("the export applied again: %+v %v, want all unchanged", res, err)
	}
	if now, _ := s.LastChange(c); now != last {
		t.Errorf("re-applying the export wrote change events %d..%d", last, now)
	}
}

// testGatewayConfig: GatewayConfig of each demo gateway, and of the ATA
// 190's second port, is what domain.Index assembles from the exported
// site; a name no gateway has is ErrNotFound.
func testGatewayConfig(t *testing.T, s store.Store) {
	c := ctx(t)
	if _, err := s.Apply(c, domain.DemoSite()); err != nil {
		t.Fatal(err)
	}
	site, err := store.LoadSite(c, s)
	if err != nil {
		t.Fatal(err)
	}
	x := domain.NewIndex(site)
	port2 := domain.ATAPort2Name("0000DE0000B1")
	for _, name := range []string{"SKIGW00DE0000A1", "ATA0000DE0000B1", "isr4321.demo.example", port2} {
		got, err := s.GatewayConfig(c, name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		want, err := x.GatewayConfig(name)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the store and the index differ:\nstore %+v\nindex %+v %v", name, got, want, err)
		}
		if got.Group.Name != "Demo-Group" || len(got.Servers) != 2 || got.Servers[0].Name != "cm-a" || got.Pool == nil ||
			len(got.Endpoints) < 2 || got.Endpoints[0].Line.DisplayName == "" {
			t.Errorf("%s: %+v", name, got)
		}
	}
	if g, err := s.GatewayConfig(c, port2); err != nil || g.Gateway.Name != "ATA0000DE0000B1" {
		t.Errorf("%s: %+v %v, want the ATA 190's", port2, g, err)
	}
	for _, name := range []string{"SKIGW00DE0000FF", domain.ATAPort2Name("0000DE0000FF"), "ATA00DE0000A101", "nowhere.example"} {
		if _, err := s.GatewayConfig(c, name); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
}

// testGatewayInvalid: gateways CheckGateway refuses are field errors
// (ErrInvalid) through Put and Apply alike, and nothing is written.
func testGatewayInvalid(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	vg := func(f func(*domain.Gateway)) *domain.Gateway {
		g := &domain.Gateway{Name: "SKIGW1FCAC3DE20", MAC: "001FCAC3DE20", Model: "VG202", Group: "G1",
			Endpoints: []domain.GatewayEndpoint{{Port: 0, Line: "4001"}}}
		f(g)
		return g
	}
	for _, tc := range []struct {
		name  string
		g     *domain.Gateway
		field string
	}{
		{"phone model", vg(func(g *domain.Gateway) { g.Model = "7961" }), "model"},
		{"MGCP gateway named SKIGW", vg(func(g *domain.Gateway) { g.Protocol = domain.ProtocolMGCP }), "name"},
		{"host name for an ATA", vg(func(g *domain.Gateway) { g.Name, g.Model = "ata.example", "ATA190" }), "name"},
		{"port on no subunit", vg(func(g *domain.Gateway) { g.Endpoints[0].Port = 7 }), "endpoints[0]"},
		{"too many endpoints", vg(func(g *domain.Gateway) {
			g.Endpoints = append(g.Endpoints, domain.GatewayEndpoint{Port: 1, Line: "4002"}, domain.GatewayEndpoint{Port: 2, Line: "4100"})
		}), "endpoints"},
		{"unknown vendor key", vg(func(g *domain.Gateway) { g.VendorConfig = map[string]string{"NoSuchKey": "1"} }), "vendorConfig.NoSuchKey"},
		{"missing line", vg(func(g *domain.Gateway) { g.Endpoints[0].Line = "4999" }), "endpoints"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sentinel := domain.ErrInvalid
			if tc.name == "missing line" {
				sentinel = domain.ErrNotFound
			}
			last, _ := s.LastChange(c)
			_, err := s.Put(c, tc.g)
			fieldErr(t, err, sentinel, tc.field)
			_, err = s.Apply(c, &domain.Site{Lines: []*domain.Line{{Number: "4555"}}, Gateways: []*domain.Gateway{tc.g}})
			fieldErr(t, err, sentinel, tc.field)
			if _, err := s.Get(c, domain.KindGateway, tc.g.Name); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("the invalid gateway was written: %v", err)
			}
			if _, err := s.Get(c, domain.KindLine, "4555"); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("the failed apply wrote the line before the gateway: %v", err)
			}
			if now, _ := s.LastChange(c); now != last {
				t.Errorf("change events %d..%d", last, now)
			}
		})
	}
}

// testGatewayDevice: a device of a gateway model (Analog Access, an ATA)
// is refused, by Put and Apply, pointing to cmtftp gateway add.
func testGatewayDevice(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	for _, d := range []*domain.Device{
		{Name: "AA1", Model: "Analog Access", Pool: "HQ"},
		{MAC: "0011220000A2", Model: "ATA190", Pool: "HQ"},
	} {
		_, err := s.Put(c, d)
		fieldErr(t, err, domain.ErrInvalid, "model")
		if err == nil || !strings.Contains(err.Error(), "cmtftp gateway add") {
			t.Errorf("%s: %v, want a pointer to cmtftp gateway add", d.Model, err)
		}
		_, err = s.Apply(c, &domain.Site{Devices: []*domain.Device{d}})
		fieldErr(t, err, domain.ErrInvalid, "model")
		if _, err := s.Get(c, domain.KindDevice, d.Name); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("%s: the device was written: %v", d.Model, err)
		}
	}
}

// testGatewayFeed: a gateway's insert, update and delete are change
// events of kind gateway; an unchanged put is none.
func testGatewayFeed(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	last, _ := s.LastChange(c)
	ch, err := s.Changes(c, last)
	if err != nil {
		t.Fatal(err)
	}
	g := ata()
	steps := []feedStep{
		{func() error { return s.Create(c, g) }, domain.KindGateway, g.Name, store.OpInsert},
		{func() error {
			g := ata()
			g.VendorConfig = map[string]string{"T38FaxRelay": "Enable"}
			_, err := s.Put(c, g)
			return err
		}, domain.KindGateway, g.Name, store.OpUpdate},
		{func() error { return s.Delete(c, domain.KindGateway, g.Name) }, domain.KindGateway, g.Name, store.OpDelete},
	}
	for i, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := collect(t, ch, 1, 5*time.Second); !has(got, st.kind, st.key, st.op) {
			t.Errorf("step %d: %v, want %s %s %q", i, got, st.op, st.kind, st.key)
		}
	}
	vm, _ := store.Get[*domain.Gateway](c, s, "VMPORT1")
	if changed, err := s.Put(c, vm); err != nil || changed {
		t.Fatalf("put unchanged: %v %v", changed, err)
	}
	select {
	case e := <-ch:
		t.Errorf("an unchanged put: event %v", e)
	case <-time.After(100 * time.Millisecond):
	}
}
