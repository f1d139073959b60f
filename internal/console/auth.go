package console

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// cookieName is the session cookie's name.
const cookieName = "cmtftp_session"

// csrfField and csrfHeader carry a session's CSRF token: a form's hidden
// field, a fetch's header.
const (
	csrfField  = "csrf"
	csrfHeader = "X-CSRF-Token"
)

// sessionOf returns the request's live session.
func (c *Console) sessionOf(r *http.Request) (session, bool) {
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return session{}, false
	}
	return c.sessions.get(ck.Value, time.Now(), tokenHash(c.cfg.Token()))
}

// live reports whether ses is still on: an event stream ends when its
// session does (a logout, its expiry, or a new admin token on reload).
func (c *Console) live(ses session) bool {
	return c.sessions.alive(ses.id, time.Now(), tokenHash(c.cfg.Token()))
}

// startSession creates a session and sets its cookie. The session holds
// the token's hash: when the admin token changes (a reload), every
// session started with the old one ends.
func (c *Console) startSession(w http.ResponseWriter, r *http.Request) session {
	ses := c.sessions.create(time.Now(), tokenHash(c.cfg.Token()))
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: ses.id, Path: "/ui/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	return ses
}

// tokenHash is what a session keeps of the admin token.
func tokenHash(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// tokenOK reports whether got is the admin token (constant time).
func (c *Console) tokenOK(got string) bool {
	want := c.cfg.Token()
	return want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// authed lets a request through to h with its session: without one, a
// page is redirected to the login form (or, with no token set, given a
// session at once), an event stream or API call is refused. A write must
// come from the console's own origin with the session's CSRF token.
func (c *Console) authed(h func(w http.ResponseWriter, r *http.Request, ses session) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ses, ok := c.sessionOf(r)
		if !ok {
			switch {
			case c.cfg.Token() == "":
				ses = c.startSession(w, r)
			case r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/ui/events/") && !strings.HasPrefix(r.URL.Path, "/ui/api/"):
				http.Redirect(w, r, "/ui/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return nil
			default:
				return errUnauthorized
			}
		}
		if isWrite(r.Method) {
			if err := sameOrigin(r); err != nil {
				return err
			}
			got := r.Header.Get(csrfHeader)
			if got == "" && isMultipart(r) {
				// An upload's form names its token in its action URL, so
				// that the file streams instead of being parsed first.
				got = r.URL.Query().Get(csrfField)
			} else if got == "" {
				got = r.PostFormValue(csrfField)
			}
			if subtle.ConstantTimeCompare([]byte(got), []byte(ses.csrf)) != 1 {
				return errCSRF
			}
		}
		return h(w, r, ses)
	}
}

// isMultipart reports whether r's body is multipart/form-data.
func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}

// isWrite reports whether a method changes something.
func isWrite(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// sameOrigin refuses a request a browser says comes from another site:
// Sec-Fetch-Site other than same-origin or none, or an Origin whose host
// is not the request's.
func sameOrigin(r *http.Request) error {
	if s := r.Header.Get("Sec-Fetch-Site"); s != "" && s != "same-origin" && s != "none" {
		return errCrossOrigin
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return errCrossOrigin
		}
	}
	return nil
}

// safeNext returns where a login may send the browser: a path under /ui/,
// never another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/ui/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/ui/"
	}
	return next
}

// loginForm serves GET /ui/login.
func (c *Console) loginForm(w http.ResponseWriter, r *http.Request) error {
	return c.render(w, r, http.StatusOK, "login", session{}, loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

// loginData is the login page's.
type loginData struct {
	Next  string
	Error string
}

// login serves POST /ui/login: the token for a session.
func (c *Console) login(w http.ResponseWriter, r *http.Request) error {
	if err := sameOrigin(r); err != nil {
		return err
	}
	next := safeNext(r.PostFormValue("next"))
	if !c.tokenOK(r.PostFormValue("token")) {
		return c.render(w, r, http.StatusUnauthorized, "login", session{}, loginData{Next: next, Error: "That is not the admin token."})
	}
	if old, ok := c.sessionOf(r); ok {
		c.sessions.drop(old.id)
	}
	c.startSession(w, r)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// logout serves POST /ui/logout.
func (c *Console) logout(w http.ResponseWriter, r *http.Request, ses session) error {
	c.sessions.drop(ses.id)
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/ui/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	http.Redirect(w, r, "/ui/login", http.StatusSeeOther)
	return nil
}
