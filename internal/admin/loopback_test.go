package admin

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1:6980": true, "127.1.2.3": true, "[::1]:6980": true, "::1": true, "localhost:6980": true, "LOCALHOST": true,
		"": false, "evil.example:6980": false, "10.0.0.1:6980": false, "[::ffff:127.0.0.1]:1": true, "127.0.0.1.evil.example": false,
		"localhost.evil.example:80": false, "[fe80::1]:6980": false,
	} {
		if got := LoopbackHost(host); got != want {
			t.Errorf("LoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

// TestNoTokenRebinding: with no token, a request whose Host is a DNS name
// (a page that rebound its name to 127.0.0.1) is refused with 421; one to
// 127.0.0.1 is served; with a token the bearer check decides, not Host.
func TestNoTokenRebinding(t *testing.T) {
	for _, tc := range []struct {
		token, host, auth string
		want              int
	}{
		{"", "attacker.example:6980", "", http.StatusMisdirectedRequest},
		{"", "127.0.0.1:6980", "", http.StatusOK},
		{"", "localhost:6980", "", http.StatusOK},
		{"tok", "cmtftp.example.net:6980", "Bearer tok", http.StatusOK},
		{"tok", "cmtftp.example.net:6980", "", http.StatusUnauthorized},
	} {
		api := (&Server{Token: tc.token, Extra: func(mux *http.ServeMux) {
			mux.HandleFunc("GET /api/v1/ping", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("pong")) })
		}}).Handler()
		h := NoTokenLoopback(func() string { return tc.token }, api)
		req := httptest.NewRequest(http.MethodGet, "http://"+tc.host+"/api/v1/ping", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("token %q, Host %s: %d, want %d: %s", tc.token, tc.host, rec.Code, tc.want, rec.Body)
		}
		if tc.want == http.StatusMisdirectedRequest && !strings.Contains(rec.Body.String(), `"misdirected"`) {
			t.Errorf("421 body: %s", rec.Body)
		}
	}
}
