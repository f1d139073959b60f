package admin

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// auth lets a request through to next when it carries the bearer token (or
// no token is set, or it asks for /healthz or /readyz).
func (s *Server) auth(next http.Handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if s.Token != "" && r.URL.Path != "/healthz" && r.URL.Path != "/readyz" && !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="cmtftp"`)
			return &Error{Code: CodeUnauthorized, Message: "a valid bearer token is required (CMTFTP_ADMIN_TOKEN)", Status: http.StatusUnauthorized}
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

// authorized reports whether r carries "Authorization: Bearer <Token>".
func (s *Server) authorized(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(s.Token)) == 1
}
