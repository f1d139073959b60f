package sitebuild

import (
	"context"
	"path/filepath"
	"testing"

	"cmtftp/internal/domain"
)

// TestBuildGateways: cmtftp build writes every demo gateway's files (the
// lines their endpoints carry read with the shared records), under Build
// All each gateway's <name>.cnf too, and the module defaults.
func TestBuildGateways(t *testing.T) {
	s := domain.DemoSite()
	s.Service = append(s.Service, &domain.Param{Scope: domain.KindService, Name: domain.ParamBuildCNFFiles, Value: domain.BuildAll})
	st := buildStore(t, s)
	out := filepath.Join(t.TempDir(), "out")
	n, err := Build(context.Background(), st, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n.Gateways != len(s.Gateways) || n.Devices != len(s.Devices) {
		t.Errorf("built for %d devices and %d gateways, want %d and %d", n.Devices, n.Gateways, len(s.Devices), len(s.Gateways))
	}
	got := readTree(t, out)
	for _, name := range []string{"SKIGW00DE0000A1.cnf.xml", "AN00DE0000A1200.cnf.xml", "AN00DE0000A1202.cnf.xml",
		"ATA0000DE0000B1.cnf.xml", "ATA00DE0000B101.cnf.xml", "isr4321.demo.example.cnf.xml", "SKIGW00DE0000A1.cnf",
		"isr4321.demo.example.cnf", "SAADefault.cnf", "SDADefault.cnf"} {
		if len(got[name]) == 0 {
			t.Errorf("build wrote no %s", name)
		}
	}
}
