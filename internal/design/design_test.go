package design

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "cmtftp/"

// layer ranks our packages, lowest first: a package may import only
// packages of a lower rank. A package missing here fails the test, so a new
// one is placed on purpose.
var layer = map[string]int{
	"internal/domain": 0, "internal/tftp": 0, "internal/udpraw": 0, "internal/metrics": 0, "internal/dhcp": 0, "internal/trust": 0, "internal/serveconf": 0,
	"internal/render": 1, "internal/build": 1, "internal/store": 1, "internal/devicecsv": 1, "internal/tftpclient": 1, "internal/dhcpclient": 1, "internal/sipnotify": 1,
	"internal/store/sqlstore": 2, "internal/keys": 2, "internal/loadgen": 2, "internal/device": 2, "internal/sitebuild": 2,
	"internal/store/sqlite": 3, "internal/store/postgres": 3, "internal/store/storetest": 3,
	"internal/source":  4,
	"internal/source/": 5, // every step of the chain (internal/source/guard, the enumeration guard, too)
	"internal/tftpd":   6, "internal/httpd": 6, "internal/admin": 6,
	"internal/timeline": 7, "internal/doctor": 7,
	"internal/console":  8, // the web console: over the admin API in-process, the store and the timeline
	"internal/assembly": 9,
	"internal/design":   10, "e2e": 10, "cmd/cmtftp": 10, "cmd/cmtftp-package": 10,
}

// pure packages import nothing of ours but what is listed.
var pure = map[string][]string{
	"internal/tftp":   nil,
	"internal/domain": nil,
	"internal/render": {"internal/domain"},
	"internal/dhcp":   nil,
	"internal/trust":  nil,
}

// belowSeam may not import the edges (tftpd, httpd, admin).
var belowSeam = []string{"internal/source", "internal/store", "internal/domain", "internal/render", "internal/tftp"}

type pkg struct {
	ImportPath string
	Dir        string
	Imports    []string
	GoFiles    []string
}

func packages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var ps []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		p.ImportPath = strings.TrimPrefix(p.ImportPath, module)
		ps = append(ps, p)
	}
	if len(ps) < 20 {
		t.Fatalf("go list found only %d packages", len(ps))
	}
	return ps
}

func rank(path string) (int, bool) {
	if r, ok := layer[path]; ok {
		return r, true
	}
	for p, r := range layer {
		if strings.HasSuffix(p, "/") && strings.HasPrefix(path, p) {
			return r, true
		}
	}
	return 0, false
}

func ours(imports []string) []string {
	var out []string
	for _, i := range imports {
		if strings.HasPrefix(i, module) {
			out = append(out, strings.TrimPrefix(i, module))
		}
	}
	return out
}

// TestImportsPointDown: every import of ours goes to a lower layer.
func TestImportsPointDown(t *testing.T) {
	for _, p := range packages(t) {
		r, ok := rank(p.ImportPath)
		if !ok {
			t.Errorf("%s has no layer: place it in design_test.go", p.ImportPath)
			continue
		}
		for _, i := range ours(p.Imports) {
			if ri, _ := rank(i); ri >= r {
				t.Errorf("%s (layer %d) imports %s (layer %d): imports point down only", p.ImportPath, r, i, ri)
			}
		}
	}
}

// TestPurePackages: the codec, the domain and the renderers import nothing
// of ours but the domain; nothing below the source seam imports an edge.
func TestPurePackages(t *testing.T) {
	seen := 0
	for _, p := range packages(t) {
		if allowed, ok := pure[p.ImportPath]; ok {
			seen++
			for _, i := range ours(p.Imports) {
				if !contains(allowed, i) {
					t.Errorf("%s must be pure but imports %s", p.ImportPath, i)
				}
			}
		}
		for _, b := range belowSeam {
			if p.ImportPath != b && !strings.HasPrefix(p.ImportPath, b+"/") {
				continue
			}
			for _, i := range ours(p.Imports) {
				if i == "internal/tftpd" || i == "internal/httpd" || i == "internal/admin" {
					t.Errorf("%s is below the source seam but imports the edge %s", p.ImportPath, i)
				}
			}
		}
	}
	if seen != len(pure) {
		t.Errorf("found %d of the %d pure packages", seen, len(pure))
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// forEachFile parses every non-test Go file of our packages.
func forEachFile(t *testing.T, f func(fset *token.FileSet, name string, file *ast.File)) {
	fset := token.NewFileSet()
	for _, p := range packages(t) {
		for _, g := range p.GoFiles {
			name := filepath.Join(p.Dir, g)
			file, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			f(fset, p.ImportPath+"/"+g, file)
		}
	}
}

// TestNoExportedMutableVars: package state is unexported; exported
// variables are only error sentinels.
func TestNoExportedMutableVars(t *testing.T) {
	forEachFile(t, func(_ *token.FileSet, name string, file *ast.File) {
		for _, d := range file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, s := range g.Specs {
				for _, n := range s.(*ast.ValueSpec).Names {
					if n.IsExported() && !strings.HasPrefix(n.Name, "Err") {
						t.Errorf("%s: exported package variable %s: make it a function or unexported", name, n.Name)
					}
				}
			}
		}
	})
}

// maxLines is the most lines a function may take (DESIGN.md: one screen).
const maxLines = 60

// dataTables are functions that are one straight-line table of data.
var dataTables = map[string]bool{
	"internal/domain/demo.go:DemoSite": true,
}

// TestFunctionsFitOnAScreen: no non-test function is over maxLines.
func TestFunctionsFitOnAScreen(t *testing.T) {
	forEachFile(t, func(fset *token.FileSet, name string, file *ast.File) {
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			n := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
			if n > maxLines && !dataTables[name+":"+fn.Name.Name] {
				t.Errorf("%s: %s is %d lines (at most %d)", name, fn.Name.Name, n, maxLines)
			}
		}
	})
}
