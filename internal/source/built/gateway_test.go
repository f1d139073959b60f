package built

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/render"
	"cmtftp/internal/source"
	"cmtftp/internal/store/sqlite"
)

// TestGatewayFilesServed: each demo gateway's files come from a real
// SQLite store through the Source with the bytes render gives from the
// same records in memory (the ATA 190's port-2 file found by its shifted
// name); a name a gateway does not get is not found.
func TestGatewayFilesServed(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "gw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Apply(ctx, domain.DemoSite()); err != nil {
		t.Fatal(err)
	}
	_, x := demoUnder(t, domain.BuildSelective)
	s := &Source{Store: st}
	var served []string
	for _, gw := range x.Gateways() {
		c, err := x.GatewayConfig(gw)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range render.GatewayFiles(c) {
			tg, _ := render.Resolve(name)
			want, err := render.Render(tg, render.Records{Gateway: c})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got, err := open(t, st, s, name); err != nil || got != string(want) {
				t.Errorf("%s: served %d bytes (%v), render gives %d", name, len(got), err, len(want))
			}
			served = append(served, name)
		}
	}
	for _, want := range []string{"SKIGW00DE0000A1.cnf.xml", "AN00DE0000A1202.cnf.xml", "ATA0000DE0000B1.cnf.xml",
		"ATA00DE0000B101.cnf.xml", "isr4321.demo.example.cnf.xml"} {
		if !slices.Contains(served, want) {
			t.Errorf("%s not among the demo gateways' files %q", want, served)
		}
	}
	for _, name := range []string{"AN00DE0000A1203.cnf.xml", "SKIGW00DE0000A1.cnf", "ata0000de0000b1", "other.demo.example.cnf.xml"} {
		if _, err := open(t, st, s, name); !errors.Is(err, source.ErrNotFound) {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
}

// TestGatewaySelectiveRebuild: a change of a line a gateway endpoint
// carries rebuilds that port's file (new bytes) and no other file of the
// gateways; a change of a line no gateway carries rebuilds none of them.
func TestGatewaySelectiveRebuild(t *testing.T) {
	ctx := context.Background()
	site := domain.DemoSite()
	st := demoStore(t, site)
	s := &Source{Store: st}
	x := domain.NewIndex(domain.DemoSite())
	var names []string
	for _, gw := range x.Gateways() {
		c, err := x.GatewayConfig(gw)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, render.GatewayFiles(c)...)
	}
	line := func(number string) *domain.Line {
		i := slices.IndexFunc(site.Lines, func(l *domain.Line) bool { return l.Number == number })
		return site.Lines[i]
	}
	for _, tc := range []struct {
		line    string
		rebuilt []string
	}{
		{"4202", []string{"AN00DE0000A1201.cnf.xml"}}, // port 2/1 of the VG224
		{"4302", []string{"ATA00DE0000B101.cnf.xml"}}, // the ATA 190's second port
		{"4401", []string{"isr4321.demo.example.cnf.xml"}},
		{"4002", nil}, // a phone's line
	} {
		before, kept := map[string][]byte{}, map[string]source.File{}
		for _, n := range names {
			before[n], kept[n] = mustRead(t, s, n), mustOpen(t, s, n)
		}
		after, err := st.LastChange(ctx)
		if err != nil {
			t.Fatal(err)
		}
		l := line(tc.line)
		l.DisplayName = "Changed " + tc.line
		if _, err := st.Put(ctx, l); err != nil {
			t.Fatal(err)
		}
		deliver(t, st, s, after)
		for _, n := range names {
			got := mustRead(t, s, n)
			if changed, want := !bytes.Equal(got, before[n]), slices.Contains(tc.rebuilt, n); changed != want {
				t.Errorf("line %s: %s changed %v, want %v", tc.line, n, changed, want)
			}
			if rebuilt, want := mustOpen(t, s, n) != kept[n], slices.Contains(tc.rebuilt, n); rebuilt != want {
				t.Errorf("line %s: %s rebuilt %v, want %v", tc.line, n, rebuilt, want)
			}
			if slices.Contains(tc.rebuilt, n) && !bytes.Contains(got, []byte("Changed "+tc.line)) {
				t.Errorf("line %s: %s lacks the new display name", tc.line, n)
			}
		}
	}
}

// mustRead reads name from s, failing the test on an error.
func mustRead(t *testing.T, s *Source, name string) []byte {
	t.Helper()
	b, err := source.ReadFile(context.Background(), s, name, source.TFTP)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b
}
