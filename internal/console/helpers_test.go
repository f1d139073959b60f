package console

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"cmtftp/internal/admin"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
	"cmtftp/internal/timeline"
)

// fixture is a console over a real SQLite store and the real admin API,
// on a loopback httptest server, and a browser-like client with a cookie
// jar.
type fixture struct {
	srv    *httptest.Server
	st     *sqlstore.DB
	con    *Console
	tl     *timeline.Timeline
	reg    *prometheus.Registry
	client *http.Client
	token  string
}

func newFixture(t testing.TB, token string) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "console.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Apply(ctx, storetest.Site()); err != nil {
		t.Fatal(err)
	}
	api := (&admin.Server{Store: st, Token: token}).Handler()
	f := &fixture{st: st, tl: timeline.New(100, 0), reg: prometheus.NewRegistry(), token: token}
	f.con, err = New(Config{Store: st, Token: func() string { return token }, API: api, Gatherer: f.reg, Timeline: f.tl})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ui/", f.con.Handler())
	mux.Handle("/", api)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	t.Cleanup(f.con.Close) // before the server's Close, which waits for the streams
	jar, _ := cookiejar.New(nil)
	f.client = &http.Client{Jar: jar}
	return f
}

// noFollow returns a client sharing f's cookies that does not follow
// redirects.
func (f *fixture) noFollow() *http.Client {
	return &http.Client{Jar: f.client.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login logs f's client in with the token.
func (f *fixture) login(t *testing.T) {
	t.Helper()
	resp, err := f.client.PostForm(f.srv.URL+"/ui/login", url.Values{"token": {f.token}, "next": {"/ui/overview"}})
	if err != nil {
		t.Fatal(err)
	}
	body := read(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(body, `id="page-overview"`) {
		t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
}

// get fetches a page and returns its status and body.
func (f *fixture) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := f.client.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, read(t, resp)
}

// csrf returns the session's CSRF token, as a page carries it.
func (f *fixture) csrf(t *testing.T) string {
	t.Helper()
	_, body := f.get(t, "/ui/overview")
	m := regexp.MustCompile(`data-csrf="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on the page: %s", body)
	}
	return m[1]
}

// post sends a form and returns the final status and body.
func (f *fixture) post(t *testing.T, path string, form url.Values) (int, string) {
	t.Helper()
	resp, err := f.client.PostForm(f.srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, read(t, resp)
}

func read(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
