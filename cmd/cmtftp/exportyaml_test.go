package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cmtftp/internal/admin"
	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/storetest"
)

// demoSite is domain.DemoSite with every kind it lacks: a custom model, a
// login, service parameters, custom files (text with blank lines, trailing
// spaces and a leading indent, binary, empty) and remote clusters (one
// disabled, priorities equal and unset).
func demoSite() *domain.Site {
	s := domain.DemoSite()
	s.Models = append(s.Models, &domain.Model{Name: "8865NR", Description: "custom: 8865 without video", TypeID: 36225,
		Protocols: []string{"SIP"}, XMLConfig: true, SIPFiles: []string{"cnf.xml"}, DialFamily: "79x1", SIPLoad: "sip8845_65.14-2-1", MaxLines: 10})
	s.Devices = append(s.Devices, &domain.Device{MAC: "0000DE000008", Description: "custom model: a: b # not a comment",
		Model: "8865NR", Protocol: "SIP", Pool: "Demo-Pool", DialPlan: "demo-79x1", Lines: []domain.Appearance{{Button: 1, Line: "4100"}}})
	s.Logins = append(s.Logins, &domain.Login{Device: "SEP0000DE000002", Profile: "ada-em"})
	s.Service = append(s.Service, &domain.Param{Name: "BuildCNFFiles", Value: "build all"})
	s.Files = append(s.Files,
		&domain.CustomFile{Name: "Desktops/320x212x12/List.xml", Data: []byte("<CiscoIPPhoneImageList>\n\n  <ImageItem Image=\"a.png\"/>  \n</CiscoIPPhoneImageList>\n\n")},
		&domain.CustomFile{Name: "ringtones/Ring1.raw", Data: []byte{0, 1, 2, 0xff, 0xfe, '\n', 0x7f}},
		&domain.CustomFile{Name: "empty.txt", Data: []byte{}},
		&domain.CustomFile{Name: "indented.txt", Data: []byte("   starts indented\nno newline at the end")})
	s.RemoteClusters = append(s.RemoteClusters,
		&domain.RemoteCluster{Name: "B", Priority: 5, Servers: []string{"tftp-b.example.net", "[2001:db8::31]:6970"}, Description: "building B"},
		&domain.RemoteCluster{Name: "A", Priority: 5, Disabled: true, Servers: []string{"192.0.2.41:8080"}},
		&domain.RemoteCluster{Name: "Z", Servers: []string{"192.0.2.51"}})
	return s
}

// wholeYAML is what export wrote before it streamed: the server's whole
// document decoded (admin.Client.Export) and marshalled at once by emit.
func wholeYAML(t *testing.T, url string) string {
	t.Helper()
	site, err := (&admin.Client{Base: url}).Export(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := emit(&b, "yaml", site); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestExportYAMLStreamed: export -o yaml (and -o table, the same under a
// comment line) writes the bytes emit wrote for the whole site, for an
// empty site, the demo site with every kind and storetest's site; apply
// takes the document back to the same records.
func TestExportYAMLStreamed(t *testing.T) {
	for _, tc := range []struct {
		name string
		site *domain.Site
		has  []string // in the export: the fixture has every kind
	}{
		{"empty", &domain.Site{}, []string{"{}\n"}},
		{"demo", demoSite(), []string{"servers:\n", "groups:\n", "pools:\n", "models:\n", "lines:\n", "sipProfiles:\n", "dialPlans:\n",
			"softkeyTemplates:\n", "devices:\n", "deviceProfiles:\n", "logins:\n", "enterpriseParameters:\n", "serviceParameters:\n",
			"files:\n", "text: |", "base64: ", "remoteClusters:\n", "priority: 3"}},
		{"storetest", storetest.Site(), []string{"files:\n", "remoteClusters:\n", "logins:\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			url, st := startAPI(t, nil)
			if _, err := st.Apply(ctx, tc.site); err != nil {
				t.Fatal(err)
			}
			want := wholeYAML(t, url)
			for _, h := range tc.has {
				if !strings.Contains(want, h) {
					t.Errorf("no %q in the export of the %s site:\n%s", h, tc.name, want)
				}
			}
			got, err := run(t, url, "export", "-o", "yaml")
			if err != nil || got != want {
				t.Fatalf("export -o yaml (%v):\n%s\nwant:\n%s", err, got, want)
			}
			table, err := run(t, url, "export")
			if err != nil || table != "# cmtftp site document; cmtftp apply -f FILE takes it back\n"+want {
				t.Errorf("export (-o table):\n%s%v", table, err)
			}
			checkApplyBack(t, st, got)
		})
	}
}

// checkApplyBack applies doc to a new store through apply -f and checks
// that store exports the same records as from.
func checkApplyBack(t *testing.T, from store.Store, doc string) {
	t.Helper()
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "site.yaml")
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	url, st := startAPI(t, nil)
	if out, err := run(t, url, "apply", "-f", file); err != nil {
		t.Fatalf("apply: %s%v", out, err)
	}
	want, err := admin.Export(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	got, err := admin.Export(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	var w, g bytes.Buffer
	for _, s := range []*domain.Site{want, got} { // stamps the stores set differ
		for _, f := range s.Files {
			f.Modified = f.Modified.UTC().Truncate(0)
		}
		for _, l := range s.Logins {
			l.Since = l.Since.UTC().Truncate(0)
		}
	}
	if err := emit(&w, "json", want); err != nil {
		t.Fatal(err)
	}
	if err := emit(&g, "json", got); err != nil {
		t.Fatal(err)
	}
	if wj, gj := stripStamps(w.String()), stripStamps(g.String()); wj != gj {
		t.Errorf("applied back:\n%s\nwant:\n%s", gj, wj)
	}
	if again := wholeYAML(t, url); again != doc {
		t.Errorf("applied back, exported again:\n%s\nwant:\n%s", again, doc)
	}
}

// stripStamps drops the "modified" and "since" lines of an indented JSON
// document: times the store sets when a record is written.
func stripStamps(doc string) string {
	var out []string
	for _, l := range strings.Split(doc, "\n") {
		if k := strings.TrimSpace(l); strings.HasPrefix(k, `"modified":`) || strings.HasPrefix(k, `"since":`) {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// TestExportYAMLBadDocument: a document export cannot write as the
// server's site is an error, never a shorter YAML taken for a whole one.
func TestExportYAMLBadDocument(t *testing.T) {
	for _, tc := range []struct {
		name, body, err string
	}{
		{"cut off", `{"servers": [{"name": "cm1", "host": "192.0.2.1"}, {"name": "cm2", "ho`, "unexpected EOF"},
		{"unknown list", `{"servers": [], "gadgets": [{"name": "x"}]}`, `list "gadgets" unknown`},
		{"out of order", `{"devices": [], "servers": []}`, `list "servers" unknown, repeated or out of order`},
		{"repeated", `{"servers": [], "servers": []}`, `list "servers" unknown, repeated or out of order`},
		{"not a list", `{"servers": {"name": "cm1"}}`, "servers: not a list"},
		{"bad record", `{"servers": [{"name": 7}]}`, "servers[0]: json: cannot unmarshal number"},
		{"more data", `{} {}`, "after the site document: more data"},
		{"not an object", `[]`, "[ where { was expected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(tc.body))
				if tc.name == "cut off" { // the first bytes out, then cut
					w.(http.Flusher).Flush()
					panic(http.ErrAbortHandler)
				}
			}))
			defer srv.Close()
			out, err := run(t, srv.URL, "export", "-o", "yaml")
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("export of %s: %v, want %q; wrote %q", tc.body, err, tc.err, out)
			}
		})
	}
}

// TestExportYAMLRefused: the admin API's refusal comes back as the
// client's *admin.Error, with nothing written, as before export streamed.
func TestExportYAMLRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error": {"code": "unauthorized", "message": "a bearer token is required"}}`))
	}))
	defer srv.Close()
	err := exportYAML(context.Background(), &admin.Client{Base: srv.URL}, &bytes.Buffer{})
	var ae *admin.Error
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized {
		t.Errorf("refused export: %v", err)
	}
	if out, err := run(t, srv.URL, "export"); err == nil || out != "" { // -o table: no comment line either
		t.Errorf("refused export -o table: %q, %v", out, err)
	}
}
