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
		token := s.token()
		if token != "" && r.URL.Path != "/healthz" && r.URL.Path != "/readyz" && !authorized(r, token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="cmtftp"`)
			return &Error{Code: CodeUnauthorized, Message: "a valid bearer token is required (CMTFTP_ADMIN_TOKEN)", Status: http.StatusUnauthorized}
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

// token is the token of the moment: TokenFunc's when set, else Token.
func (s *Server) token() string {
	if s.TokenFunc != nil {
		return s.TokenFunc()
	}
	return s.Token
}

// authorized reports whether r carries "Authorization: Bearer <token>".
func authorized(r *http.Request, token string) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}
