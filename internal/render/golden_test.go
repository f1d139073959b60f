package render

import (
	"bytes"
	"cmtftp/internal/domain"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// demo returns the demo site, normalised as the store returns records.
func demo(t testing.TB) *domain.Index { return demoUnder(t, "") }

// demoUnder is the demo site with Build CNF Files set to buildCNF ("": the
// default).
func demoUnder(t testing.TB, buildCNF string) *domain.Index {
	t.Helper()
	s := domain.DemoSite()
	if buildCNF != "" {
		s.Service = append(s.Service, &domain.Param{Name: domain.ParamBuildCNFFiles, Value: buildCNF})
	}
	for _, e := range s.Entities() {
		if err := domain.Normalize(e); err != nil {
			t.Fatal(err)
		}
	}
	return domain.NewIndex(s)
}

// everything renders every file of the demo site under buildCNF, as
// "cmtftp build" does: SiteFiles, then Render.
func everything(t testing.TB, buildCNF string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for f, err := range SiteFiles(demoUnder(t, buildCNF)) {
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.Render()
		if err != nil {
			t.Fatalf("%s: %v", f.Name(), err)
		}
		if _, dup := files[f.Name()]; dup {
			t.Fatalf("SiteFiles lists %s twice", f.Name())
		}
		files[f.Name()] = b
	}
	return files
}

func TestGolden(t *testing.T) {
	files := everything(t, domain.BuildSelective)
	checkGolden(t, filepath.Join("testdata", "golden"), files)
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
	a := everything(t, domain.BuildSelective)
	b := everything(t, domain.BuildSelective)
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
	for name, b := range everything(t, domain.BuildAll) {
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
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// checkGolden compares files with the golden files of dir, one per name
// and no more; with -update it writes dir anew instead.
func checkGolden(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	if *update {
		os.RemoveAll(dir)
		os.MkdirAll(dir, 0o755)
	}
	for name, b := range files {
		p := filepath.Join(dir, name)
		if *update {
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("%s: no golden file (go test ./internal/render -update): %v", name, err)
		} else if !bytes.Equal(b, want) {
			t.Errorf("%s differs from %s (go test ./internal/render -update, then review the diff)", name, p)
		}
	}
	entries, _ := os.ReadDir(dir)
	if !*update && len(entries) != len(files) {
		t.Errorf("%d golden files in %s for %d files", len(entries), dir, len(files))
	}
}
