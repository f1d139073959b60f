package render

import (
	"cmtftp/internal/domain"
	"slices"
	"testing"
)

// TestGatewayDeps: a gateway file depends on the gateway, its model,
// group, pool, servers and parameters, and on the lines it shows: none in
// SKIGW (it names its ports), the port's own in an AN or ATA port file,
// every endpoint's in the MGCP file. The defaults read every record of
// their kinds.
func TestGatewayDeps(t *testing.T) {
	x := demo(t)
	common := []Dep{{domain.KindGateway, ""}, {domain.KindModel, ""}, {domain.KindGroup, "Demo-Group"}, {domain.KindPool, "Demo-Pool"},
		{domain.KindServer, "cm-a"}, {domain.KindServer, "cm-b"}, {domain.KindEnterprise, AnyKey}, {domain.KindService, AnyKey}}
	for _, tc := range []struct {
		gw, name string
		lines    []string
	}{
		{"SKIGW00DE0000A1", "SKIGW00DE0000A1.cnf.xml", nil},
		{"SKIGW00DE0000A1", "AN00DE0000A1201.cnf.xml", []string{"4202"}},
		{"ATA0000DE0000B1", "ATA0000DE0000B1.cnf.xml", []string{"4301"}},
		{"ATA0000DE0000B1", "ATA00DE0000B101.cnf.xml", []string{"4302"}},
		{"isr4321.demo.example", "isr4321.demo.example.cnf.xml", []string{"4401", "4402"}},
	} {
		c, err := x.GatewayConfig(tc.gw)
		if err != nil {
			t.Fatal(err)
		}
		tg, _ := ResolveGateway(tc.name, c)
		deps := Deps(tg, Records{Gateway: c})
		var lines []string
		for _, d := range deps {
			if d.Kind == domain.KindLine {
				lines = append(lines, d.Key)
			}
		}
		if !slices.Equal(lines, tc.lines) {
			t.Errorf("%s: lines %q, want %q", tc.name, lines, tc.lines)
		}
		for _, want := range common {
			switch want.Kind {
			case domain.KindGateway:
				want.Key = tc.gw
			case domain.KindModel:
				want.Key = c.Model.Name
			}
			if !slices.Contains(deps, want) {
				t.Errorf("%s: no dep %v in %v", tc.name, want, deps)
			}
		}
		src := Sources(tg, Records{Gateway: c})
		if len(src) < 5 || src[0] != "gateway "+tc.gw || src[len(src)-1] != "parameters" {
			t.Errorf("%s: sources %q", tc.name, src)
		}
	}
	d, err := NewDefaultConfig(x)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"SAADefault.cnf", "SDADefault.cnf"} {
		deps := Deps(target(t, name), Records{Defaults: d})
		if !slices.Contains(deps, Dep{domain.KindServer, AnyKey}) || !slices.Contains(deps, Dep{domain.KindGroup, AnyKey}) {
			t.Errorf("%s: deps %v", name, deps)
		}
	}
}

// BenchmarkGatewayFiles lists and renders every file of the demo site's
// gateways and of the other families' (gatewaySite): the cost per gateway.
func BenchmarkGatewayFiles(b *testing.B) {
	x := gatewaySite(b, domain.BuildAll)
	var cs []*domain.GatewayConfig
	for _, gw := range x.Gateways() {
		c, err := x.GatewayConfig(gw)
		if err != nil {
			b.Fatal(err)
		}
		cs = append(cs, c)
	}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cs {
			for _, name := range GatewayFiles(c) {
				tg, _ := Resolve(name)
				var err error
				if buf, err = AppendRender(buf[:0], tg, Records{Gateway: c}); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(cs)), "ns/gateway")
}
