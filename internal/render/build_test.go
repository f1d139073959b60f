package render

import (
	"bytes"
	"cmtftp/internal/domain"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// demo returns the demo site, normalised as the store returns records.
func demo(t testing.TB) *domain.Index {
	t.Helper()
	s := domain.DemoSite()
	for _, e := range s.Entities() {
		if err := domain.Normalize(e); err != nil {
			t.Fatal(err)
		}
	}
	return domain.NewIndex(s)
}

// everything builds every file of the demo site under buildCNF.
func everything(t testing.TB, x *domain.Index, buildCNF string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, name := range x.Devices() {
		c, err := x.DeviceConfig(name)
		if err != nil {
			t.Fatal(err)
		}
		c.Params[domain.ParamBuildCNFFiles] = buildCNF
		for _, f := range DeviceFiles(c, buildCNF) {
			tg, ok := Resolve(f)
			if !ok {
				t.Fatalf("%s: DeviceFiles gave %q, which Resolve does not know", name, f)
			}
			switch tg.Kind {
			case DR79x1File:
				files[f] = DialPlan79x1(c.DialPlan)
			case Dial7940File:
				files[f] = DialPlan7940(c.DialPlan)
			case SoftkeyXMLFile:
				files[f] = Softkeys(c.Softkey)
			default:
				if tg.Key != name {
					t.Fatalf("%s: %q resolves to %q", name, f, tg.Key)
				}
				b, ok := Build(tg, c)
				if !ok {
					t.Fatalf("no builder for %q", f)
				}
				files[f] = b
			}
		}
	}
	g, servers, err := x.DefaultGroup()
	if err != nil {
		t.Fatal(err)
	}
	d := &DefaultConfig{Group: g, Servers: servers, Models: x.Models(), Params: x.Params()}
	files["XMLDefault.cnf.xml"] = XMLDefault(d)
	files["SEPDefault.cnf"] = SEPDefaultCnf(d)
	files["SIPDefault.cnf"] = SIPDefaultCnf(d)
	return files
}

func TestGolden(t *testing.T) {
	files := everything(t, demo(t), domain.BuildSelective)
	if *update {
		os.RemoveAll("testdata/golden")
		os.MkdirAll("testdata/golden", 0o755)
	}
	for name, b := range files {
		p := filepath.Join("testdata", "golden", name)
		if *update {
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("%s: no golden file (go test ./internal/render -update): %v", name, err)
			continue
		}
		if !bytes.Equal(b, want) {
			t.Errorf("%s differs from testdata/golden/%s (go test ./internal/render -update, then review the diff)", name, name)
		}
	}
	entries, _ := os.ReadDir("testdata/golden")
	if !*update && len(entries) != len(files) {
		t.Errorf("%d golden files for %d built files", len(entries), len(files))
	}
	// One file of each family the issue names.
	for _, want := range []string{"SEP0000DE000001.cnf.xml", "SEP0000DE000002.cnf.xml", "SEP0000DE000006.cnf.xml", "SEP0000DE000007.cnf",
		"SIP0000DE000003.cnf", "ld0000de000004", "gk0000de000005", "DRdemo-79x1.xml", "demo-7940.xml", "SKStandard-User.xml",
		"XMLDefault.cnf.xml", "SEPDefault.cnf", "SIPDefault.cnf"} {
		if _, ok := files[want]; !ok {
			t.Errorf("no %s among the built files", want)
		}
	}
}

// TestDeterministic: the same records give the same bytes, and the
// version stamp changes only with the content.
func TestDeterministic(t *testing.T) {
	x := demo(t)
	a := everything(t, x, domain.BuildSelective)
	b := everything(t, demo(t), domain.BuildSelective)
	for n := range a {
		if !bytes.Equal(a[n], b[n]) {
			t.Errorf("%s: two builds differ", n)
		}
		if bytes.Contains(a[n], []byte(stampHolder)) {
			t.Errorf("%s: version stamp placeholder left in", n)
		}
	}
	c, _ := x.DeviceConfig("SEP0000DE000002")
	before := stampOf(DeviceXML(c))
	c.Lines[0].Line.DisplayName = "Someone Else"
	after := stampOf(DeviceXML(c))
	if before == after || len(before) != 36 {
		t.Errorf("version stamp %q → %q after a display-name change", before, after)
	}
}

func stampOf(b []byte) string {
	s := string(b)
	i := strings.Index(s, "<versionStamp>")
	j := strings.Index(s, "</versionStamp>")
	return s[i+len("<versionStamp>") : j]
}

// TestXMLWellFormed parses every XML file back.
func TestXMLWellFormed(t *testing.T) {
	for name, b := range everything(t, demo(t), domain.BuildAll) {
		if strings.HasSuffix(name, ".xml") {
			if err := wellFormed(b); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
}

func wellFormed(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// TestEscaping: a display name with XML's special characters, quotes and
// non-ASCII text survives, and a text file gets no broken lines.
func TestEscaping(t *testing.T) {
	x := demo(t)
	c, _ := x.DeviceConfig("SEP0000DE000002")
	nasty := `Ada & <Bob> "O'Neil" Zoë 日本`
	c.Lines[0].Line.DisplayName = nasty
	c.Lines[0].Line.Label = "tab\there\x01"
	b := DeviceXML(c)
	var doc struct {
		Lines []struct {
			DisplayName string `xml:"displayName"`
			Label       string `xml:"featureLabel"`
		} `xml:"sipProfile>sipLines>line"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Lines[0].DisplayName != nasty || doc.Lines[0].Label != "tab\there\uFFFD" {
		t.Errorf("round trip: %q / %q", doc.Lines[0].DisplayName, doc.Lines[0].Label)
	}
	c3, _ := x.DeviceConfig("SEP0000DE000003")
	c3.Lines[0].Line.DisplayName = "two\nlines \"quoted\""
	for _, l := range strings.Split(string(SIPCnf(c3)), "\n") {
		if strings.HasPrefix(l, "line1_displayname") && l != `line1_displayname: "two lines 'quoted'"` {
			t.Errorf("text value: %q", l)
		}
	}
}

// TestBuildCNF is the table of Build CNF Files × model → names.
func TestBuildCNF(t *testing.T) {
	x := demo(t)
	cnfOf := func(build string) []string {
		var out []string
		for _, n := range x.Devices() {
			c, _ := x.DeviceConfig(n)
			for _, f := range DeviceFiles(c, build) {
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
		c := &domain.DeviceConfig{Device: domain.Device{Name: "SEP001122334455", MAC: "001122334455", Protocol: tc.protocol}, Model: m}
		if got := DeviceFiles(c, tc.build); !slices.Equal(got, tc.want) {
			t.Errorf("%s %s %s: %v, want %v", tc.model, tc.protocol, tc.build, got, tc.want)
		}
	}
}

// TestExtensionMobility: a login puts the profile's lines and dial plan in
// the device's file; logout restores the device's own.
func TestExtensionMobility(t *testing.T) {
	s := domain.DemoSite()
	s.Logins = append(s.Logins, &domain.Login{Device: "SEP0000DE000006", Profile: "grace-em"})
	for _, e := range s.Entities() {
		domain.Normalize(e)
	}
	s.Profiles[1].DialPlan = "demo-79x1"
	in := domain.NewIndex(s)
	c, err := in.DeviceConfig("SEP0000DE000006")
	if err != nil {
		t.Fatal(err)
	}
	loggedIn := string(DeviceXML(c))
	own, _ := demo(t).DeviceConfig("SEP0000DE000006")
	loggedOut := string(DeviceXML(own))
	for _, want := range []string{"<name>4007</name>", "<name>4100</name>", `<line button="2" lineIndex="2">`} {
		if !strings.Contains(loggedIn, want) {
			t.Errorf("logged-in file lacks %s", want)
		}
	}
	if strings.Contains(loggedIn, "<name>4006</name>") || !strings.Contains(loggedOut, "<name>4006</name>") || strings.Contains(loggedOut, "<name>4007</name>") {
		t.Errorf("lines did not follow the login")
	}
}

func TestResolve(t *testing.T) {
	for in, want := range map[string]Target{
		"SEP0000DE000001.cnf.xml": {DeviceXMLFile, "SEP0000DE000001"},
		"sep0000de000001.cnf.xml": {DeviceXMLFile, "SEP0000DE000001"},
		"SEP0000DE000007.cnf":     {LegacyCnfFile, "SEP0000DE000007"},
		"SIP0000DE000003.cnf":     {SIPCnfFile, "SEP0000DE000003"},
		"ld0000de000004":          {LDFile, "SEP0000DE000004"},
		"gk0000de000005":          {GKFile, "SEP0000DE000005"},
		"DRdemo-79x1.xml":         {DR79x1File, "demo-79x1"},
		"SKStandard-User.xml":     {SoftkeyXMLFile, "Standard-User"},
		"demo-7940.xml":           {Dial7940File, "demo-7940"},
		"XMLDefault.cnf.xml":      {Kind: XMLDefaultFile},
		"xmlDefault.CNF.XML":      {Kind: XMLDefaultFile},
		"SIPDefault.cnf":          {Kind: SIPDefaultFile},
		"SEPDefault.cnf":          {Kind: SEPDefaultFile},
		"VMPORT1.cnf":             {LegacyCnfFile, "VMPORT1"},
	} {
		got, ok := Resolve(in)
		if !ok || got != want {
			t.Errorf("Resolve(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"SEP0000DE00000Z.cnf.xml", "Desktops/320x212x12/List.xml", "SIP41.9-4-2SR3-1S.loads", "ld0000de00000", "../x.cnf", "CTLSEP0000DE000001.tlv"} {
		if got, ok := Resolve(in); ok {
			t.Errorf("Resolve(%q) = %v, want not ours", in, got)
		}
	}
}

func BenchmarkDeviceXML(b *testing.B) {
	c, err := demo(b).DeviceConfig("SEP0000DE000002")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		DeviceXML(c)
	}
}
