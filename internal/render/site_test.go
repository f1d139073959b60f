package render

import (
	"cmtftp/internal/domain"
	"errors"
	"fmt"
	"slices"
	"testing"
)

// siteNames lists the names SiteFiles yields for x, failing on errors.
func siteNames(t *testing.T, x *domain.Index) []string {
	t.Helper()
	var out []string
	for f, err := range SiteFiles(x) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f.Name())
	}
	return out
}

// TestSiteFiles: under each Build CNF Files value, SiteFiles lists every
// file DeviceFiles gives a demo device, every file GatewayFiles gives a
// demo gateway, every dial plan with a file, every
// softkey template and the default files; every name resolves to the
// record it is rendered from.
func TestSiteFiles(t *testing.T) {
	for _, buildCNF := range []string{domain.BuildSelective, domain.BuildAll, domain.BuildNone} {
		x := demoUnder(t, buildCNF)
		want := []string{}
		for _, name := range x.Devices() {
			c, err := x.DeviceConfig(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range DeviceFiles(c) {
				tg, ok := Resolve(f)
				switch {
				case !ok:
					t.Fatalf("%s: DeviceFiles gave %q, which Resolve does not know", name, f)
				case tg.Kind.Needs() == NeedDevice && tg.Key != name:
					t.Fatalf("%s: %q resolves to %q", name, f, tg.Key)
				case tg.Kind.Needs() == NeedDevice:
					want = append(want, f)
				}
			}
		}
		for _, name := range x.Gateways() {
			c, err := x.GatewayConfig(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range GatewayFiles(c) {
				if _, ok := ResolveGateway(f, c); !ok {
					t.Fatalf("%s: GatewayFiles gave %q, which does not resolve to it", name, f)
				}
				want = append(want, f)
			}
		}
		want = append(want, "DRdemo-79x1.xml", "demo-7940.xml", "SKStandard-User.xml", "XMLDefault.cnf.xml", "SEPDefault.cnf", "SIPDefault.cnf",
			"SAADefault.cnf", "SDADefault.cnf")
		if got := siteNames(t, x); !slices.Equal(got, want) {
			t.Errorf("%s: SiteFiles lists\n%q, want\n%q", buildCNF, got, want)
		}
	}
}

// TestSiteFilesServable: SiteFiles leaves out what a request could not
// get: the files of a device whose name is not SEP<its MAC> (its
// <name>.cnf would be a gateway's), a device whose name is no file name, a 7940 plan whose file name reads as a 79x1 plan's; a device
// with a broken reference is an error, and the others still come.
func TestSiteFilesServable(t *testing.T) {
	s := domain.DemoSite()
	s.Service = append(s.Service, &domain.Param{Name: domain.ParamBuildCNFFiles, Value: domain.BuildAll})
	s.Devices = append(s.Devices,
		&domain.Device{Name: "Lobby", MAC: "0000DE0000AA", Model: "7961", Protocol: domain.ProtocolSCCP, Pool: "Demo-Pool"},
		&domain.Device{Name: "My Gateway", Model: "7961", Protocol: domain.ProtocolSCCP, Pool: "Demo-Pool"},
		&domain.Device{Name: "SEP0000DE0000BB", Model: "7961", Protocol: domain.ProtocolSCCP, Pool: "No-Such-Pool"})
	s.DialPlans = append(s.DialPlans, &domain.DialPlan{Name: "DRlookalike", Family: domain.DialFamily7940})
	for _, e := range s.Entities() {
		if err := domain.Normalize(e); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	var errs []error
	for f, err := range SiteFiles(domain.NewIndex(s)) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		names = append(names, f.Name())
	}
	if len(errs) != 1 || !errors.Is(errs[0], domain.ErrNotFound) {
		t.Errorf("errors %v, want one not-found for the device in no pool", errs)
	}
	for _, n := range []string{"SEP0000DE0000AA.cnf.xml", "Lobby.cnf", "My Gateway.cnf", "DRlookalike.xml", "lookalike.xml", "SEP0000DE0000BB.cnf.xml"} {
		if slices.Contains(names, n) {
			t.Errorf("SiteFiles lists %s, which no request gets", n)
		}
	}
	for _, n := range []string{"SEP0000DE000001.cnf", "SKIGW00DE0000A1.cnf", "SIPDefault.cnf"} {
		if !slices.Contains(names, n) {
			t.Errorf("SiteFiles lacks %s", n)
		}
	}
}

// TestSiteFilesStops: a consumer that stops early is not called again, and
// a site with no call-control group has no default files.
func TestSiteFilesStops(t *testing.T) {
	n := 0
	for range SiteFiles(demo(t)) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("%d files after break", n)
	}
	for _, stopAt := range []int{1, 2, 3} {
		seen := 0
		for f := range SiteFiles(demo(t)) {
			if f.Target.Kind.Needs() == NeedDefaults {
				if seen++; seen == stopAt {
					break
				}
			}
		}
		if seen != stopAt {
			t.Errorf("stopping at default file %d: %d seen", stopAt, seen)
		}
	}
	s := domain.DemoSite()
	s.Groups, s.Pools, s.Devices, s.Logins, s.Gateways = nil, nil, nil, nil, nil
	if got := siteNames(t, domain.NewIndex(s)); slices.ContainsFunc(got, func(n string) bool { tg, _ := Resolve(n); return tg.Kind.Needs() == NeedDefaults }) {
		t.Errorf("default files without a group: %q", got)
	}
}

// BenchmarkSiteFiles enumerates and renders a site of 10,000 SIP phones
// (one line each): the work of "cmtftp build" without the disk.
func BenchmarkSiteFiles(b *testing.B) {
	s := domain.DemoSite()
	for i := range 10000 {
		num := fmt.Sprintf("%d", 100000+i)
		s.Lines = append(s.Lines, &domain.Line{Number: num, DisplayName: "User " + num})
		s.Devices = append(s.Devices, &domain.Device{MAC: fmt.Sprintf("%012X", 0xA00000000000+i), Model: "7970", Protocol: domain.ProtocolSIP,
			Pool: "Demo-Pool", DialPlan: "demo-79x1", SoftkeyTemplate: "Standard-User", Lines: []domain.Appearance{{Button: 1, Line: num}}})
	}
	for _, e := range s.Entities() {
		if err := domain.Normalize(e); err != nil {
			b.Fatal(err)
		}
	}
	x := domain.NewIndex(s)
	b.ReportAllocs()
	for b.Loop() {
		for f, err := range SiteFiles(x) {
			if err != nil {
				b.Fatal(err)
			}
			if _, err := f.Render(); err != nil {
				b.Fatal(err)
			}
		}
	}
}
