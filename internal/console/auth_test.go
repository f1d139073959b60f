package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestLoginRequired(t *testing.T) {
	f := newFixture(t, "tok")
	c := f.noFollow()
	for _, tc := range []struct {
		path   string
		status int
		where  string
	}{
		{"/ui/devices", http.StatusSeeOther, "/ui/login?next=%2Fui%2Fdevices"},
		{"/ui/", http.StatusSeeOther, "/ui/login?next=%2Fui%2F"},
		{"/ui/events/changes", http.StatusUnauthorized, ""},
		{"/ui/api/v1/lines", http.StatusUnauthorized, ""},
		{"/ui/login", http.StatusOK, ""},
		{"/ui/static/console.css", http.StatusOK, ""},
	} {
		resp, err := c.Get(f.srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		read(t, resp)
		if resp.StatusCode != tc.status || resp.Header.Get("Location") != tc.where {
			t.Errorf("%s: %d %q, want %d %q", tc.path, resp.StatusCode, resp.Header.Get("Location"), tc.status, tc.where)
		}
	}
	// A write without a session is refused, not redirected.
	resp, err := c.PostForm(f.srv.URL+"/ui/params/BuildCNFFiles", url.Values{"value": {"Build All"}})
	if err != nil {
		t.Fatal(err)
	}
	read(t, resp)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("write without a session: %d", resp.StatusCode)
	}
}

func TestLoginToken(t *testing.T) {
	f := newFixture(t, "tok")
	c := f.noFollow()
	resp, err := c.PostForm(f.srv.URL+"/ui/login", url.Values{"token": {"nope"}})
	if err != nil {
		t.Fatal(err)
	}
	body := read(t, resp)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "not the admin token") || len(resp.Cookies()) != 0 {
		t.Errorf("bad token: %d cookies %v", resp.StatusCode, resp.Cookies())
	}
	resp, err = c.PostForm(f.srv.URL+"/ui/login", url.Values{"token": {"tok"}, "next": {"//evil.example/"}})
	if err != nil {
		t.Fatal(err)
	}
	read(t, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/ui/" {
		t.Errorf("good token: %d to %q (a next off the console must go to /ui/)", resp.StatusCode, resp.Header.Get("Location"))
	}
	ck := resp.Cookies()
	if len(ck) != 1 || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteStrictMode || ck[0].Path != "/ui/" || ck[0].Secure {
		t.Fatalf("session cookie: %+v", ck)
	}
	if code, body := f.get(t, "/ui/devices"); code != 200 || !strings.Contains(body, `id="page-devices"`) {
		t.Errorf("logged in: %d", code)
	}
	// Logout ends the session.
	if code, _ := f.post(t, "/ui/logout", url.Values{"csrf": {f.csrf(t)}}); code != 200 {
		t.Errorf("logout: %d", code)
	}
	resp, err = c.Get(f.srv.URL + "/ui/devices")
	if err != nil {
		t.Fatal(err)
	}
	read(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout: %d", resp.StatusCode)
	}
}

func TestTokenChangeEndsSessions(t *testing.T) {
	f := newFixture(t, "tok")
	f.login(t)
	f.token = "new"
	f.con.cfg.Token = func() string { return "new" }
	if code, body := f.get(t, "/ui/devices"); code != 200 || !strings.Contains(body, `id="page-login"`) {
		t.Errorf("after a token change: %d, want the login page", code)
	}
	f.login(t)
	if code, body := f.get(t, "/ui/devices"); code != 200 || !strings.Contains(body, `id="page-devices"`) {
		t.Errorf("logged in with the new token: %d", code)
	}
}

func TestNoTokenStillSession(t *testing.T) {
	f := newFixture(t, "")
	code, body := f.get(t, "/ui/params")
	if code != 200 || !strings.Contains(body, `id="page-params"`) {
		t.Fatalf("no token: %d", code)
	}
	if code, _ := f.post(t, "/ui/params/BuildCNFFiles", url.Values{"value": {"Build All"}}); code != http.StatusForbidden {
		t.Errorf("no token, write without CSRF: %d", code)
	}
	if code, _ := f.post(t, "/ui/params/BuildCNFFiles", url.Values{"value": {"Build All"}, "csrf": {f.csrf(t)}}); code != 200 {
		t.Errorf("no token, write with CSRF: %d", code)
	}
}

func TestCSRF(t *testing.T) {
	f := newFixture(t, "tok")
	f.login(t)
	tok := f.csrf(t)
	form := func(csrf string) string { return url.Values{"value": {"Build All"}, "csrf": {csrf}}.Encode() }
	for _, tc := range []struct {
		name   string
		body   string
		header map[string]string
		status int
	}{
		{"missing", form(""), nil, http.StatusForbidden},
		{"wrong", form("x" + tok), nil, http.StatusForbidden},
		{"cross-origin", form(tok), map[string]string{"Origin": "http://evil.example"}, http.StatusForbidden},
		{"cross-site fetch", form(tok), map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"same-origin", form(tok), map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": f.srv.URL}, http.StatusSeeOther},
	} {
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/ui/params/BuildCNFFiles", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range tc.header {
			req.Header.Set(k, v)
		}
		resp, err := f.noFollow().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		read(t, resp)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
	}
	// The API bridge takes the token as a header.
	for _, tc := range []struct {
		csrf   string
		status int
	}{{"", http.StatusForbidden}, {tok, http.StatusCreated}} {
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/ui/api/v1/lines", strings.NewReader(`{"number":"4777"}`))
		req.Header.Set("Content-Type", "application/json")
		if tc.csrf != "" {
			req.Header.Set(csrfHeader, tc.csrf)
		}
		resp, err := f.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := read(t, resp)
		if resp.StatusCode != tc.status && !(tc.status == http.StatusCreated && resp.StatusCode == 200) {
			t.Errorf("bridge with csrf %q: %d %s", tc.csrf, resp.StatusCode, body)
		}
		if tc.csrf != "" && (resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), "sandbox")) {
			t.Errorf("a bridged answer's headers: %v", resp.Header)
		}
	}
	if _, err := f.st.Get(t.Context(), "line", "4777"); err != nil {
		t.Errorf("the bridge's write did not reach the store: %v", err)
	}
}

func TestSessionsBounded(t *testing.T) {
	now := time.Unix(1e9, 0)
	s := newSessions(time.Minute, 3)
	var tok [32]byte
	var first session
	for i := range 5 {
		ses := s.create(now.Add(time.Duration(i)*time.Second), tok)
		if i == 0 {
			first = ses
		}
	}
	if n := s.count(); n != 3 {
		t.Errorf("sessions kept: %d, want 3", n)
	}
	if _, ok := s.get(first.id, now.Add(5*time.Second), tok); ok {
		t.Errorf("the oldest session survived the bound")
	}
	last := s.create(now.Add(10*time.Second), tok)
	if _, ok := s.get(last.id, now.Add(71*time.Second), tok); ok {
		t.Errorf("a session outlived its idle TTL")
	}
	other := s.create(now.Add(80*time.Second), tok)
	if _, ok := s.get(other.id, now.Add(81*time.Second), [32]byte{1}); ok {
		t.Errorf("a session outlived a change of the admin token")
	}
}

func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/ui/devices?q=x", "//evil", "/ui//evil", "https://x/ui/", "/ui/\\evil", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if !strings.HasPrefix(got, "/ui/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\r\n") {
			t.Errorf("safeNext(%q) = %q", next, got)
		}
	})
}
