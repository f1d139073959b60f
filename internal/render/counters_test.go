package render

import "testing"

// TestCounterFamilies: the Cisco counter family of each requested name and
// the build class of each kind.
func TestCounterFamilies(t *testing.T) {
	for _, tc := range []struct{ name, family, class string }{
		{"SEP001122334455.cnf.xml", "sep", "device"},
		{"sep001122334455.cnf", "sep", "unit"},
		{"VMPORT1.cnf", "", "unit"},
		{"SIP001122334455.cnf", "sip", "device"},
		{"ld001122334455", "ld", "device"},
		{"gk001122334455", "gk", "device"},
		{"XMLDefault.cnf.xml", "", "default"},
		{"DRoffice.xml", "", "dialrule"},
		{"SKStandard.xml", "", "softkey"},
		{"SKIGW00DE0000A1.cnf.xml", "", "unit"},
		{"AN00DE0000A1200.cnf.xml", "", "unit"},
		{"ATA0000DE0000B1.cnf.xml", "", "unit"},
		{"ata0000de0000b1", "", "unit"},
		{"SAA0000DE0000D1.cnf", "", "unit"},
		{"isr4321.demo.example.cnf.xml", "", "unit"},
		{"SAADefault.cnf", "", "default"},
		{"SDADefault.cnf", "", "default"},
	} {
		tg, ok := Resolve(tc.name)
		if !ok {
			t.Errorf("%s does not resolve", tc.name)
			continue
		}
		if got := tg.Family(); got != tc.family {
			t.Errorf("%s: family %q, want %q", tc.name, got, tc.family)
		}
		if got := tg.Kind.Class(); got != tc.class {
			t.Errorf("%s: class %q, want %q", tc.name, got, tc.class)
		}
	}
}
