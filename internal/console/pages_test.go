package console

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

func TestPagesRender(t *testing.T) {
	f := newFixture(t, "tok")
	f.login(t)
	for _, tc := range []struct {
		path   string
		status int
		page   string
		has    string
	}{
		{"/ui/", 200, "overview", `<svg class="chart"`},
		{"/ui/overview", 200, "overview", `id="chart-requests"`},
		{"/ui/devices", 200, "devices", `<table id="devices"`},
		{"/ui/devices?q=AABB02", 200, "devices", `SEP001122AABB02`},
		{"/ui/devices/SEP001122AABB01", 200, "device", `form method="post" action="/ui/devices/SEP001122AABB01/lines/4001" class="line-edit"`},
		{"/ui/devices/SEP001122AABB01/files/SEP001122AABB01.cnf.xml", 200, "devicefile", `&lt;device`},
		{"/ui/devices/SEP000000000009", 404, "error", `id="error-message"`},
		{"/ui/files", 200, "files", `<form method="post" action="/ui/files?csrf=`},
		{"/ui/params", 200, "params", `id="param-BuildCNFFiles"`},
		{"/ui/changes", 200, "changes", `<table id="changes"`},
		{"/ui/cluster", 200, "cluster", `From /api/v1/cluster.`},
		{"/ui/remotes", 200, "remotes", `From /api/v1/remotes/status.`},
		{"/ui/nosuch", 404, "error", `no such page`},
		{"/ui/login", 200, "login", `id="login-token"`},
	} {
		code, body := f.get(t, tc.path)
		if code != tc.status || !strings.Contains(body, `<main id="page-`+tc.page+`">`) || !strings.Contains(body, tc.has) {
			t.Errorf("%s: %d, want %d, page %s with %q:\n%.2000s", tc.path, code, tc.status, tc.page, tc.has, body)
		}
	}
}

func TestLineEdit(t *testing.T) {
	f := newFixture(t, "tok")
	f.login(t)
	tok := f.csrf(t)
	// The fixture's SIP phone has the lines of the profile logged in to it.
	code, body := f.post(t, "/ui/devices/SEP001122AABB02/lines/4100", url.Values{"csrf": {tok}, "displayName": {"Ada Renamed"}, "label": {"Ada"}})
	if code != 200 || !strings.Contains(body, `<p class="ok">Saved.</p>`) {
		t.Fatalf("line edit: %d %.1500s", code, body)
	}
	l, err := store.Get[*domain.Line](context.Background(), f.st, "4100")
	if err != nil || l.DisplayName != "Ada Renamed" || l.Label != "Ada" {
		t.Fatalf("the store has %+v %v", l, err)
	}
	if _, body := f.get(t, "/ui/devices/SEP001122AABB02/files/SEP001122AABB02.cnf.xml"); !strings.Contains(body, "Ada Renamed") {
		t.Errorf("the device's file does not show the new name:\n%s", body)
	}
	// A refusal of the API is shown next to the line's form.
	code, body = f.post(t, "/ui/devices/SEP001122AABB02/lines/4100", url.Values{"csrf": {tok}, "displayName": {strings.Repeat("x", 5000)}})
	if code < 400 || code >= 500 || !strings.Contains(body, `class="error field-error"`) {
		t.Errorf("an over-long display name: %d %.3000s", code, body)
	}
}

func TestParamValidation(t *testing.T) {
	f := newFixture(t, "tok")
	f.login(t)
	tok := f.csrf(t)
	// The API's own message for the same value.
	_, apiErr := f.st.Put(context.Background(), &domain.Param{Scope: domain.KindService, Name: "AlternateFileLocation3", Value: "relative/dir"})
	if apiErr == nil {
		t.Fatal("the store took a relative alternate location")
	}
	code, body := f.post(t, "/ui/params/AlternateFileLocation3", url.Values{"csrf": {tok}, "value": {"relative/dir"}, "type": {"path"}})
	if code != http.StatusUnprocessableEntity {
		t.Errorf("invalid value: %d", code)
	}
	i := strings.Index(body, `id="param-AlternateFileLocation3"`)
	if i < 0 {
		t.Fatalf("no form for the parameter:\n%s", body)
	}
	form := body[i:]
	form = form[:strings.Index(form, "</form>")]
	if !strings.Contains(form, `class="error field-error"`) || !strings.Contains(form, `value="relative/dir"`) ||
		!strings.Contains(form, htmlEscape(firstLine(apiErr.Error()))) {
		t.Errorf("the refusal is not shown at the field (want %q):\n%s", apiErr, form)
	}
	// A valid value reaches the store.
	if code, _ := f.post(t, "/ui/params/BuildCNFFiles", url.Values{"csrf": {tok}, "value": {"Build All"}}); code != 200 {
		t.Errorf("valid value: %d", code)
	}
	ps, _, err := store.LoadParams(context.Background(), f.st)
	if err != nil || ps[domain.ParamBuildCNFFiles] != domain.BuildAll {
		t.Errorf("param in the store: %q %v", ps[domain.ParamBuildCNFFiles], err)
	}
}

func htmlEscape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

func TestDevicesPaging(t *testing.T) {
	f := newFixture(t, "tok")
	f.login(t)
	site := &domain.Site{}
	for i := range 120 {
		site.Devices = append(site.Devices, &domain.Device{MAC: fmt.Sprintf("0000DE%06X", i), Model: "7961", Protocol: "SCCP", Pool: "HQ"})
	}
	if _, err := f.st.Apply(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	path, pages := "/ui/devices", 0
	for path != "" && pages < 10 {
		pages++
		code, body := f.get(t, path)
		if code != 200 {
			t.Fatalf("%s: %d", path, code)
		}
		names := deviceLinks(body)
		if len(names) > devicesPerPage {
			t.Errorf("page %d has %d devices", pages, len(names))
		}
		for _, n := range names {
			if seen[n] {
				t.Errorf("%s on two pages", n)
			}
			seen[n] = true
		}
		path = nextPage(body)
	}
	// 120 + the fixture's phones (gateways are not devices of this page).
	all, _ := store.List[*domain.Device](context.Background(), f.st)
	if pages != 3 || len(seen) != len(all) {
		t.Errorf("%d pages, %d devices seen, want 3 and %d", pages, len(seen), len(all))
	}
	_, body := f.get(t, "/ui/devices?q=0000de00007")
	if got := deviceLinks(body); len(got) != 8 || nextPage(body) != "" {
		t.Errorf("search: %d devices %v", len(got), got)
	}
}

// deviceLinks returns the device names a devices page links to.
func deviceLinks(body string) []string {
	var out []string
	for _, part := range strings.Split(body, `class="device-link" href="/ui/devices/`)[1:] {
		out = append(out, part[:strings.IndexByte(part, '"')])
	}
	return out
}

// nextPage returns the next-page link of a devices page ("" when none).
func nextPage(body string) string {
	_, rest, ok := strings.Cut(body, `<a href="`)
	for ok {
		href := rest[:strings.IndexByte(rest, '"')]
		if strings.HasPrefix(rest[len(href):], `" id="next-page"`) {
			return strings.ReplaceAll(href, "&amp;", "&")
		}
		_, rest, ok = strings.Cut(rest, `<a href="`)
	}
	return ""
}

func TestUploadReplaceRemove(t *testing.T) {
	f := newFixture(t, "tok")
	f.login(t)
	tok := f.csrf(t)
	upload := func(name, file, content string) (int, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("name", name)
		w, _ := mw.CreateFormFile("file", file)
		w.Write([]byte(content))
		mw.Close()
		resp, err := f.client.Post(f.srv.URL+"/ui/files?csrf="+url.QueryEscape(tok), mw.FormDataContentType(), &b)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, read(t, resp)
	}
	files, _ := store.FilesOf(f.st)
	for _, tc := range []struct{ name, file, content string }{
		{"", "RingList.xml", "<CiscoIPPhoneRingList/>"},
		{"RingList.xml", "other.xml", "<CiscoIPPhoneRingList><Ring/></CiscoIPPhoneRingList>"},
	} {
		code, body := upload(tc.name, tc.file, tc.content)
		if code != 200 || !strings.Contains(body, `<table id="files"`) || !strings.Contains(body, "RingList.xml") {
			t.Fatalf("upload %+v: %d %.1500s", tc, code, body)
		}
		_, rc, err := files.OpenFile(context.Background(), "RingList.xml")
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		got.ReadFrom(rc)
		rc.Close()
		if got.String() != tc.content {
			t.Errorf("stored %q, want %q", got.String(), tc.content)
		}
	}
	if code, body := upload("../evil", "x", "x"); code < 400 || !strings.Contains(body, `id="files-error"`) {
		t.Errorf("a bad name: %d %.1000s", code, body)
	}
	if code, _ := f.post(t, "/ui/files/delete", url.Values{"csrf": {tok}, "name": {"RingList.xml"}}); code != 200 {
		t.Errorf("remove: %d", code)
	}
	if _, err := f.st.Get(context.Background(), domain.KindFile, "RingList.xml"); err == nil {
		t.Errorf("the file is still stored")
	}
}
