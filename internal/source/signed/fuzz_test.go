package signed

import (
	"strings"
	"testing"
)

// FuzzNames: the name parsers never panic and agree with each other: a
// trust-list name carries a MAC of 12 upper-case hex digits or none, a
// device configuration is signable, and nothing firmware-like is.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"ITLFile.tlv", "ext_ITLSEP001122aabbcc.tlv", "CTLSEP001122AABBCC.tlv", "SEP001122AABBCC.cnf.xml",
		"Desktops/320x196x4/List.xml", "United_States/g3-tones.xml", "x.zz.sgn", "ext_", "SEP"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if tl, ok := ParseTrustList(name); ok {
			if !strings.HasSuffix(name, ".tlv") || tl.MAC != "" && (len(tl.MAC) != 12 || strings.ToUpper(tl.MAC) != tl.MAC) {
				t.Fatalf("ParseTrustList(%q) = %+v", name, tl)
			}
			if tl.MAC != "" && !strings.Contains(strings.ToUpper(name), tl.MAC) {
				t.Fatalf("MAC %s is not in %q", tl.MAC, name)
			}
		}
		if dev, ok := DeviceOf(name); ok && (!Signable(name) || len(dev) != 15 || !strings.EqualFold(dev+".cnf.xml", name)) {
			t.Fatalf("DeviceOf(%q) = %q, Signable %v", name, dev, Signable(name))
		}
		if Signable(name) && firmware(name) {
			t.Fatalf("firmware %q is signable", name)
		}
	})
}
