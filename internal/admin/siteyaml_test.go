package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"cmtftp/internal/domain"
	"cmtftp/internal/store/storetest"
)

// laughs is a billion-laughs document: nine levels of nine aliases each,
// 9⁹ (387 million) scalars once expanded, in under 1 KB.
func laughs() string {
	var b strings.Builder
	b.WriteString(`l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [", i, i)
		for j := range 9 {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "*l%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("servers: *l8\n")
	return b.String()
}

func TestReadSite(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		lim       Limits
		want      string // "" is no error
		limit     bool   // a *LimitError
	}{
		{"yaml", "lines:\n  - number: \"4001\"\n    displayName: Ada\n", Limits{}, "", false},
		{"json", `{"lines":[{"number":"4001"}]}`, Limits{}, "", false},
		{"empty", "", Limits{}, "", false},
		{"unknown field", "lines:\n  - number: \"4001\"\n    colour: red\n", Limits{}, "field colour not found", false},
		{"billion laughs", laughs(), Limits{}, "YAML nodes with aliases expanded: more than 4000000 nodes", true},
		{"an alias in itself", "servers: &a [*a]\n", Limits{}, "alias", false},
		{"records", "lines: [{number: \"1\"}, {number: \"2\"}]\ngroups: [{name: G, servers: [a]}]\n", Limits{Records: 2}, "more than 2 records", true},
		{"records through an alias", "servers: &s [{name: a, host: h}, {name: b, host: h}]\ngroups: *s\n", Limits{Records: 3}, "more than 3 records", true},
		{"dense flow", "servers: [" + strings.Repeat("{},", 3_000_000) + "{}]\n", Limits{}, "YAML nodes: more than 6000000 nodes", true},
		{"dense block", "servers:\n" + strings.Repeat("- \n", 3_000_000), Limits{}, "YAML nodes: more than 6000000 nodes", true},
		{"too big", "lines:\n  - number: \"4001\"\n", Limits{Body: 10}, "site document: more than 10 bytes", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadSite(strings.NewReader(tc.doc), tc.lim)
			var le *LimitError
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("error %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want %q", err, tc.want)
			case tc.limit != errors.As(err, &le):
				t.Errorf("error %v (%T): a limit error %v", err, err, tc.limit)
			}
		})
	}
}

// TestReadSiteBounded: an alias bomb and 9 MB of the densest YAML are
// refused with the resident set grown by less than 48 MiB (the document
// read into memory twice over, and 16 MiB; times raceMemFactor under the
// race detector). Parsed, the dense ones took 0.9 and 1.1 GiB.
func TestReadSiteBounded(t *testing.T) {
	for _, tc := range []struct{ name, doc string }{
		{"billion laughs", laughs()},
		{"dense flow", "servers: [" + strings.Repeat("{},", 3_000_000) + "{}]\n"},
		{"dense block", "servers:\n" + strings.Repeat("- \n", 3_000_000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			grew := peakGrowth(t, func() { _, err = ReadSite(strings.NewReader(tc.doc), Limits{}) })
			t.Logf("%d bytes: %v; resident set grew %.1f MiB", len(tc.doc), err, float64(grew)/(1<<20))
			var le *LimitError
			if !errors.As(err, &le) {
				t.Errorf("error %v, want a limit error", err)
			}
			if grew > 48<<20*raceMemFactor {
				t.Errorf("resident set grew %d MiB", grew>>20)
			}
		})
	}
}

// TestEstimateNodes: the estimate is at least the nodes yaml.v3 makes, and
// about 1.5 times them for a document as export writes it.
func TestEstimateNodes(t *testing.T) {
	site, _ := yaml.Marshal(storetest.Site())
	for _, doc := range []string{string(site), laughs(), "", "a", "- - - a\n", "- a: b\n  c: [d, e, {f: g}]\n", "a:\nb:\n", "[{},{},{}]", "{a: b, c: d}",
		"? a\n: b\n", "a: |\n  x\n  y\n", "'a:b': \"c,d\"\n", "---\na: 1\n", "a: &x [1, 2]\nb: *x\n", "{\"a\":\"b\",\"c\":[1,2]}",
		"[{0}:]0", // found by FuzzReadSite: a flow pair whose ":" is followed by "]"
		"[-]", "[a:]", "{a:,b:}"} {
		var root yaml.Node
		if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		nodes := 0
		var walk func(n *yaml.Node)
		walk = func(n *yaml.Node) {
			nodes++
			for _, k := range n.Content {
				walk(k)
			}
		}
		walk(&root)
		if est := estimateNodes([]byte(doc)); est < nodes {
			t.Errorf("%q: %d nodes, estimated %d", doc, nodes, est)
		}
		if doc == string(site) {
			t.Logf("the test site: %d nodes, estimated %d", nodes, estimateNodes(site))
			if est := estimateNodes(site); est > 2*nodes {
				t.Errorf("the test site: %d nodes, estimated %d", nodes, est)
			}
		}
	}
}

// TestReadSiteSame: a whole site as YAML reads as yaml.v3 reads it.
func TestReadSiteSame(t *testing.T) {
	doc, err := yaml.Marshal(storetest.Site())
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadSite(bytes.NewReader(doc), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var want domain.Site
	if err := yaml.Unmarshal(doc, &want); err != nil {
		t.Fatal(err)
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(&want)
	if !bytes.Equal(g, w) || len(got.Entities()) < 10 {
		t.Errorf("ReadSite read\n%s\nyaml.Unmarshal\n%s", g, w)
	}
}

// FuzzReadSite: any YAML or JSON document is read or refused with an
// error, never a panic, within the limits.
func FuzzReadSite(f *testing.F) {
	doc, _ := yaml.Marshal(storetest.Site())
	f.Add(string(doc))
	for _, s := range []string{laughs(), "- - - a\n", "a: [b, {c: d}]\n", "servers: &a [*a]\n", "lines: [{number: \"1\"}]\n", `{"lines":[{"number":"1"}]}`,
		"servers: &s [{name: a, host: h}]\ngroups: *s\n", "files:\n  - name: a\n    text: hi\n", "a: &a {b: *a}\n"} {
		f.Add(s)
	}
	lim := Limits{Records: 50, RecordBytes: 4096, Body: 64 << 10}
	f.Fuzz(func(t *testing.T, doc string) {
		var root yaml.Node
		if yaml.Unmarshal([]byte(doc), &root) == nil {
			nodes := 0
			var walk func(n *yaml.Node)
			walk = func(n *yaml.Node) {
				if nodes++; nodes < 1<<20 {
					for _, k := range n.Content {
						walk(k)
					}
				}
			}
			walk(&root)
			if est := estimateNodes([]byte(doc)); est < nodes {
				t.Fatalf("%d nodes, estimated %d", nodes, est)
			}
		}
		site, err := ReadSite(io.LimitReader(strings.NewReader(doc), 1<<20), lim)
		if err == nil && len(site.Entities()) > lim.Records {
			t.Fatalf("%d records read, limit %d", len(site.Entities()), lim.Records)
		}
	})
}
