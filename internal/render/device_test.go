package render

import (
	"cmtftp/internal/domain"
	"slices"
	"strings"
	"testing"
)

// TestBuildCNF is the table of Build CNF Files × model → names.
func TestBuildCNF(t *testing.T) {
	cnfOf := func(build string) []string {
		var out []string
		x := demoUnder(t, build)
		for _, n := range x.Devices() {
			c, _ := x.DeviceConfig(n)
			for _, f := range DeviceFiles(c) {
				if strings.HasSuffix(f, ".cnf") && strings.HasPrefix(f, "SEP") {
					out = append(out, f)
				}
			}
		}
		return out
	}
	if got := cnfOf(domain.BuildSelective); !slices.Equal(got, []string{"SEP0000DE000007.cnf"}) {
		t.Errorf("Build Selective: %v, want only the 12 SP+", got)
	}
	if got := cnfOf(domain.BuildAll); len(got) != 7 {
		t.Errorf("Build All: %v, want all 7 devices", got)
	}
	if got := cnfOf(domain.BuildNone); len(got) != 0 {
		t.Errorf("Build None: %v, want none", got)
	}
	for _, tc := range []struct {
		model, protocol, build string
		want                   []string
	}{
		{"7961", "SCCP", domain.BuildSelective, []string{"SEP001122334455.cnf.xml"}},
		{"7961", "SCCP", domain.BuildAll, []string{"SEP001122334455.cnf.xml", "SEP001122334455.cnf"}},
		{"7961", "SIP", domain.BuildNone, []string{"SEP001122334455.cnf.xml"}},
		{"7940", "SIP", domain.BuildSelective, []string{"SIP001122334455.cnf"}},
		{"7940", "SCCP", domain.BuildSelective, []string{"SEP001122334455.cnf.xml"}},
		{"7905", "SIP", domain.BuildSelective, []string{"ld001122334455"}},
		{"7912", "SIP", domain.BuildAll, []string{"SEP001122334455.cnf", "gk001122334455"}},
		{"12SP+", "SCCP", domain.BuildSelective, []string{"SEP001122334455.cnf"}},
		{"12SP+", "SCCP", domain.BuildNone, nil},
		{"7935", "SCCP", domain.BuildSelective, []string{"SEP001122334455.cnf"}},
		{"8841", "SIP", domain.BuildSelective, []string{"SEP001122334455.cnf.xml"}},
	} {
		m := domain.Catalogue()[slices.IndexFunc(domain.Catalogue(), func(m domain.Model) bool { return m.Name == tc.model })]
		c := &domain.DeviceConfig{Device: domain.Device{Name: "SEP001122334455", MAC: "001122334455", Protocol: tc.protocol}, Model: m,
			Params: domain.ParamValues{domain.ParamBuildCNFFiles: tc.build}}
		if got := DeviceFiles(c); !slices.Equal(got, tc.want) {
			t.Errorf("%s %s %s: %v, want %v", tc.model, tc.protocol, tc.build, got, tc.want)
		}
	}
}
