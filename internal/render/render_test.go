package render

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
)

// target resolves name or fails the test.
func target(t *testing.T, name string) Target {
	t.Helper()
	tg, ok := Resolve(name)
	if !ok {
		t.Fatalf("Resolve(%q): not ours", name)
	}
	return tg
}

// TestRender: the records decide whether a resolved name is built, and a
// name is matched as phones spell it.
func TestRender(t *testing.T) {
	x := demo(t)
	c1, _ := x.DeviceConfig("SEP0000DE000001") // 7961 SCCP
	c4, _ := x.DeviceConfig("SEP0000DE000004") // 7905 SIP
	p7940, _ := x.DialPlan("demo-7940")
	for _, tc := range []struct {
		name string
		r    Records
		want string // an error text, "" for a file
	}{
		{"SEP0000DE000001.cnf.xml", Records{Device: c1}, ""},
		{"sep0000de000001.CNF.XML", Records{Device: c1}, ""},
		{"SEP0000DE000001.cnf", Records{Device: c1}, "does not get SEP0000DE000001.cnf under Build Selective"},
		{"SIP0000DE000001.cnf", Records{Device: c1}, "does not get"},
		{"ld0000de000004", Records{Device: c4}, ""},
		{"LD0000DE000004", Records{Device: c4}, "does not get"},
		{"demo-7940.xml", Records{DialPlan: p7940}, ""},
		{"DRdemo-7940.xml", Records{DialPlan: p7940}, "is of the 7940 family"},
	} {
		b, err := Render(target(t, tc.name), tc.r)
		switch {
		case tc.want == "" && (err != nil || len(b) == 0):
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (!errors.Is(err, ErrNotBuilt) || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want ErrNotBuilt: …%s…", tc.name, err, tc.want)
		}
	}
	upper, _ := Render(target(t, "SEP0000DE000001.cnf.xml"), Records{Device: c1})
	lower, _ := Render(target(t, "sep0000de000001.cnf.xml"), Records{Device: c1})
	if !bytes.Equal(upper, lower) {
		t.Errorf("the two spellings of one name give different files")
	}
	// Records that lack what the target needs are the caller's mistake,
	// not "not built": the chain must not fall through to other sources.
	for name, wrong := range map[string]Records{"SEP0000DE000001.cnf.xml": {DialPlan: p7940}, "DRdemo-79x1.xml": {Device: c1},
		"SKStandard-User.xml": {DialPlan: p7940}, "XMLDefault.cnf.xml": {Device: c1}} {
		if _, err := Render(target(t, name), wrong); err == nil || errors.Is(err, ErrNotBuilt) {
			t.Errorf("%s without its records: %v, want an error other than ErrNotBuilt", name, err)
		}
	}
	if _, err := Render(Target{Name: "x"}, Records{Device: c1}); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("a target of no kind: %v, want ErrNotBuilt", err)
	}
}

// TestSources: each kind of file names the records it comes from.
func TestSources(t *testing.T) {
	x := demo(t)
	c, _ := x.DeviceConfig("SEP0000DE000002")
	p, _ := x.DialPlan("demo-79x1")
	sk, _ := x.Softkey("Standard-User")
	d, err := NewDefaultConfig(x)
	if err != nil {
		t.Fatal(err)
	}
	r := Records{Device: c, DialPlan: p, Softkey: sk, Defaults: d}
	for name, want := range map[string][]string{
		"SEP0000DE000002.cnf.xml": {"device SEP0000DE000002", "line 4002 (button 1)", "dial plan demo-79x1", "softkey template Standard-User", "parameters"},
		"DRdemo-79x1.xml":         {"dial plan demo-79x1"},
		"SKStandard-User.xml":     {"softkey template Standard-User"},
		"XMLDefault.cnf.xml":      {"group " + d.Group.Name, "parameters", "model catalogue"},
		"SIPDefault.cnf":          {"group " + d.Group.Name, "parameters"},
	} {
		got := Sources(target(t, name), r)
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: sources %q lack %q", name, got, w)
			}
		}
	}
	if got := Sources(target(t, "SIPDefault.cnf"), r); slices.Contains(got, "model catalogue") {
		t.Errorf("SIPDefault.cnf does not come from the model catalogue: %q", got)
	}
	if got := Sources(target(t, "DRdemo-79x1.xml"), Records{Device: c}); got != nil {
		t.Errorf("sources without the records: %q", got)
	}
}
