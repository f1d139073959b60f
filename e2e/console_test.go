package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// consoleSite is a "serve --demo" with its admin listener (and the console
// under /ui/) behind a token, for the browser tests.
type consoleSite struct {
	token string
	admin string // the admin listener, HOST:PORT
	http  string // HTTP 6970's, HOST:PORT
	tftp  string // TFTP's, 127.0.0.1:PORT
}

// startConsoleSite runs "cmtftp serve --demo" on loopback ports with an
// admin token read from a file the test writes.
func startConsoleSite(t *testing.T) *consoleSite {
	t.Helper()
	dir := t.TempDir()
	s := &consoleSite{token: "browser-test-token-7f3a", admin: freeTCP(t), http: freeTCP(t),
		tftp: "127.0.0.1:" + strconv.Itoa(freePort(t))}
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(s.token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	startServeIn(t, dir, nil, 1, "--demo", "--db", "sqlite:cmtftp-demo/cmtftp.db", "--tftp-addr", s.tftp,
		"--admin-addr", s.admin, "--http-addr", s.http, "--admin-token-file", tokenFile)
	return s
}

// api makes a request to the admin API with the token and returns the
// status and body.
func (s *consoleSite) api(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+s.admin+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// httpGet fetches name over HTTP 6970.
func (s *consoleSite) httpGet(t *testing.T, name string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + s.http + "/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestConsole drives the web console in Debian's Chromium against "serve
// --demo", one server and one browser for every step, each a subtest that
// fails on any problem the page shows (see browser).
func TestConsole(t *testing.T) {
	s := startConsoleSite(t)
	b := newBrowser(t, "http://"+s.admin)
	steps := []struct {
		name string
		f    func(*testing.T, *consoleSite, *browser)
	}{
		{"Login", consoleLogin},
		{"SearchDevice", consoleSearch},
		{"RenameLine", consoleRenameLine},
		{"UploadRingList", consoleUpload},
		{"Restart", consoleRestart},
		{"ChangesLive", consoleChangesLive},
		{"ParamInvalid", consoleParamInvalid},
		{"ChartsLive", consoleChartsLive},
		{"Pages", consolePages},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			defer b.check(t)
			st.f(t, s, b)
		})
	}
}

// consoleLogin: a page asks for the token; a wrong token is refused with
// the login form's message (the 401 is expected), the right one opens the
// overview.
func consoleLogin(t *testing.T, s *consoleSite, b *browser) {
	b.open(t, "/ui/devices", "login")
	done := b.expect("HTTP 401 for POST "+b.base+"/ui/login", "status of 401")
	b.do(t, chromedp.SendKeys(chromedp.CSS("#login-token"), "not-the-token"), chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#login-error")))
	if msg := b.text(t, "#login-error"); !strings.Contains(msg, "not the admin token") {
		t.Errorf("wrong token: %q", msg)
	}
	b.check(t)
	done()
	b.do(t, chromedp.SendKeys(chromedp.CSS("#login-token"), s.token), chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitReady(chromedp.CSS("main#page-devices")))
}

// consoleSearch finds a device by its MAC (typed with colons) and by a
// line number through the search box, and opens it.
func consoleSearch(t *testing.T, s *consoleSite, b *browser) {
	for _, tc := range []struct{ text, want string }{
		{"00:00:de:00:00:02", "SEP0000DE000002"},
		{"4003", "SEP0000DE000003"},
		{"lobby", "SEP0000DE000001"},
	} {
		b.open(t, "/ui/devices", "devices")
		b.do(t, chromedp.SendKeys(chromedp.CSS("#device-search"), tc.text), chromedp.Submit(chromedp.CSS("#device-search")),
			chromedp.WaitReady(chromedp.CSS(`main#page-devices table#devices`)))
		b.waitFor(t, "the search's results", `location.search.includes("q=")`)
		got := eval[[]string](t, b, `[...document.querySelectorAll("table#devices a.device-link")].map(a => a.textContent)`)
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("search %q: %v, want [%s]", tc.text, got, tc.want)
		}
	}
	b.do(t, chromedp.Click(chromedp.CSS("table#devices a.device-link")), chromedp.WaitReady(chromedp.CSS("main#page-device")))
	if h := b.text(t, "main h1"); h != "SEP0000DE000001" {
		t.Errorf("device page of %q", h)
	}
}

// consoleRenameLine renames line 4002 on SEP0000DE000002's page, then
// sees the new name in the device's file through the console's file link
// and over HTTP 6970.
func consoleRenameLine(t *testing.T, s *consoleSite, b *browser) {
	const dev, name = "SEP0000DE000002", "Grace Hopper (browser)"
	b.open(t, "/ui/devices/"+dev, "device")
	form := `form.line-edit[data-line="4002"]`
	b.do(t, chromedp.SetValue(chromedp.CSS(form+` input[name=displayName]`), name),
		chromedp.Submit(chromedp.CSS(form+` input[name=displayName]`)),
		chromedp.WaitVisible(chromedp.CSS(form+` p.ok`)))
	if v := eval[string](t, b, `document.querySelector('`+form+` input[name=displayName]').value`); v != name {
		t.Errorf("after saving, the field holds %q", v)
	}
	file := dev + ".cnf.xml"
	b.do(t, chromedp.Click(chromedp.CSS(`a.file-link[href$="/`+file+`"]`)), chromedp.WaitReady(chromedp.CSS("#file-bytes")))
	if got := b.text(t, "#file-bytes"); !strings.Contains(got, name) {
		t.Errorf("the console's %s does not name %q:\n%.400s", file, name, got)
	}
	waitUntil(t, func() bool { code, body := s.httpGet(t, file); return code == 200 && strings.Contains(body, name) })
}

// consoleUpload uploads a RingList.xml the test writes on the files page,
// sees it listed with its size and SHA-256, and fetches it over TFTP with
// curl: the custom file is served before the TFTP root's own.
func consoleUpload(t *testing.T, s *consoleSite, b *browser) {
	curl := needTool(t, "curl")
	body := []byte(`<CiscoIPPhoneRingList><Ring><DisplayName>Browser test</DisplayName><FileName>Piano2.raw</FileName></Ring></CiscoIPPhoneRingList>` + "\n")
	path := filepath.Join(t.TempDir(), "RingList.xml")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	b.open(t, "/ui/files", "files")
	row := `#files tr[data-name="RingList.xml"]`
	b.do(t, chromedp.SetUploadFiles(chromedp.CSS(`form#upload input[type=file][name=file]`), []string{path}),
		chromedp.Click(chromedp.CSS("#upload-submit")), chromedp.WaitReady(chromedp.CSS(row)))
	cells := eval[[]string](t, b, `[...document.querySelectorAll('`+row+` td')].map(td => td.textContent.trim())`)
	if len(cells) < 3 || cells[0] != "RingList.xml" || !strings.Contains(cells[1], strconv.Itoa(len(body))) || cells[2] != hex.EncodeToString(sum[:]) {
		t.Errorf("files row %v, want RingList.xml, %d bytes, %x", cells, len(body), sum)
	}
	waitUntil(t, func() bool {
		got, err := exec.Command(curl, "-s", "tftp://"+s.tftp+"/RingList.xml").Output()
		return err == nil && bytes.Equal(got, body)
	})
}

// consoleRestart presses Restart on the page of SEP0000DE000003, a 7940
// on SIP firmware played by "cmtftp simulate --sip-listen": the results
// table shows the check-sync NOTIFY answered 200, and the open page's
// boot timeline shows, without a reload, the NOTIFY and then the phone
// fetching its SIP0000DE000003.cnf again.
func consoleRestart(t *testing.T, s *consoleSite, b *browser) {
	const dev = "SEP0000DE000003"
	sipPort := strconv.Itoa(freePort(t))
	mustCLIToken(t, s.admin, s.token, "sipprofile", "set", "Standard SIP Profile", "--voip-control-port", sipPort)
	sim := startSIPPhone(t, "--mac", "0000DE000003", "--model", "7940", "--protocol", "sip", "--tftp", s.tftp,
		"--sip-listen", "127.0.0.1:"+sipPort, "--sip-resets", "1", "--sip-wait", "60s")
	b.open(t, "/ui/devices/"+dev, "device")
	eval[bool](t, b, `window.cmtftpNoReload = true`)
	before := eval[int](t, b, `[...document.querySelectorAll("#timeline tbody tr")].filter(tr => tr.textContent.includes("SIP0000DE000003.cnf")).length`)
	b.do(t, chromedp.Click(chromedp.CSS("button#restart")),
		chromedp.WaitVisible(chromedp.CSS("#reset-results table tr.result-answered")))
	row := eval[[]string](t, b, `[...document.querySelectorAll("#reset-results tr.result-answered td")].map(td => td.textContent)`)
	if want := []string{dev, "SIP", "127.0.0.1:" + sipPort, "check-sync", "answered", "200"}; len(row) < len(want) ||
		strings.Join(row[:len(want)], "|") != strings.Join(want, "|") {
		t.Errorf("reset result row %q, want it to start %q", row, want)
	}
	if code, out := sim.wait(t); code != 0 || !strings.Contains(out, "SIP NOTIFY check-sync") {
		t.Errorf("simulate exit %d:\n%s", code, out)
	}
	b.waitFor(t, "the NOTIFY and the fetch after it in the live timeline", fmt.Sprintf(`(() => {
		const rows = [...document.querySelectorAll("#timeline tbody tr")].map(tr => tr.textContent);
		const notify = rows.findIndex(r => r.includes("check-sync"));
		return notify >= 0 && rows.filter(r => r.includes("SIP0000DE000003.cnf")).length > %d;
	})()`, before))
	if !eval[bool](t, b, `window.cmtftpNoReload === true`) {
		t.Error("the device page reloaded")
	}
	b.screenshot(t, "restart-desktop")
}

// consoleChangesLive: a write through the API appears at the top of the
// open changes page without a reload.
func consoleChangesLive(t *testing.T, s *consoleSite, b *browser) {
	b.open(t, "/ui/changes", "changes")
	b.do(t, chromedp.WaitReady(chromedp.CSS("#changes tbody")))
	eval[bool](t, b, `window.cmtftpNoReload = true`)
	before := eval[int](t, b, `document.querySelectorAll("#changes tbody tr").length`)
	if code, out := s.api(t, "PUT", "/api/v1/lines/4007", `{"number":"4007","displayName":"Changes page test"}`); code != 200 {
		t.Fatalf("PUT line 4007: %d %s", code, out)
	}
	b.waitFor(t, "a new row for line 4007", fmt.Sprintf(`document.querySelectorAll("#changes tbody tr").length > %d && `+
		`document.querySelector("#changes tbody tr").textContent.includes("4007")`, before))
	if !eval[bool](t, b, `window.cmtftpNoReload === true`) {
		t.Error("the changes page reloaded")
	}
}

// consoleParamInvalid: an out-of-range Maximum Serving Count is refused
// with the API's validation message next to the field (the 4xx is
// expected).
func consoleParamInvalid(t *testing.T, s *consoleSite, b *browser) {
	done := b.expect("for POST "+b.base+"/ui/params/MaxServingCount", "status of 4")
	defer done()
	b.open(t, "/ui/params", "params")
	form := "form#param-MaxServingCount"
	b.do(t, chromedp.SetValue(chromedp.CSS(form+` input[name=value]`), "20000"),
		chromedp.Submit(chromedp.CSS(form+` input[name=value]`)),
		chromedp.WaitVisible(chromedp.CSS(form+` p.field-error`)))
	if msg := b.text(t, form+` p.field-error`); !strings.Contains(msg, "out of range 1–10000") {
		t.Errorf("validation message %q", msg)
	}
	if code, out := s.api(t, "GET", "/api/v1/params/MaxServingCount", ""); code != 200 || strings.Contains(out, "20000") {
		t.Errorf("the refused value was stored: %d %s", code, out)
	}
}

// consoleChartsLive: the overview's SVG charts are there, and the
// requests chart shows the traffic the test makes without a reload (the
// server samples every 10 s and pushes the charts over SSE).
func consoleChartsLive(t *testing.T, s *consoleSite, b *browser) {
	b.open(t, "/ui/overview", "overview")
	if n := eval[int](t, b, `document.querySelectorAll("svg.chart").length`); n < 6 {
		t.Fatalf("%d charts, want at least 6", n)
	}
	eval[bool](t, b, `window.cmtftpNoReload = true`)
	latest := `(document.querySelector("#chart-requests text.value.main") || {}).textContent`
	for i := 0; ; i++ {
		if i == 600 {
			t.Fatalf("the requests chart still shows %q after %d requests", eval[string](t, b, latest), i)
		}
		if code, _ := s.httpGet(t, "RingList.xml"); code != 200 {
			t.Fatalf("HTTP RingList.xml: %d", code)
		}
		if eval[bool](t, b, `parseFloat(`+latest+`) > 0`) {
			break
		}
		time.Sleep(50 * time.Millisecond) // pacing: a few requests per sample
	}
	if !eval[bool](t, b, `window.cmtftpNoReload === true`) {
		t.Error("the overview reloaded")
	}
}

// consolePages renders every page at a desktop's and a phone's size, with
// a full-page screenshot of each under test-output/console/; on the
// phone the body must not overflow sideways.
func consolePages(t *testing.T, s *consoleSite, b *browser) {
	pages := []struct{ path, page string }{
		{"/ui/overview", "overview"}, {"/ui/devices", "devices"}, {"/ui/devices/SEP0000DE000002", "device"},
		{"/ui/devices/SEP0000DE000002/files/SEP0000DE000002.cnf.xml", "devicefile"},
		{"/ui/files", "files"}, {"/ui/params", "params"}, {"/ui/changes", "changes"},
		{"/ui/cluster", "cluster"}, {"/ui/remotes", "remotes"},
	}
	for _, size := range screenSizes {
		b.resize(t, size)
		for _, p := range pages {
			b.open(t, p.path, p.page)
			b.screenshot(t, p.page+"-"+size.name)
			if size.mobile && !eval[bool](t, b, `document.documentElement.scrollWidth <= window.innerWidth`) {
				t.Errorf("%s on a phone: the page is %v px wide in a %v px window", p.page,
					eval[float64](t, b, `document.documentElement.scrollWidth`), eval[float64](t, b, `window.innerWidth`))
			}
		}
	}
	b.resize(t, screenSizes[0])
}
