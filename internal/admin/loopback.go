package admin

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// errNotLoopbackHost refuses a request, made while no admin token is set,
// that is addressed to a host name other than a loopback one.
var errNotLoopbackHost = &Error{Code: CodeMisdirected, Status: http.StatusMisdirectedRequest,
	Message: "with no admin token set, the admin listener answers only requests addressed to 127.0.0.1, [::1] or localhost " +
		"(so that a web page cannot reach it through a DNS name rebound to loopback); set --admin-token-file to use another name"}

// LoopbackHost reports whether host (a request's Host: a name or an IP
// literal, with or without a port) names this machine's loopback:
// localhost, an address of 127.0.0.0/8 or ::1.
func LoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// NoTokenLoopback guards h while token() is "": a request whose Host is
// not a loopback one (LoopbackHost) is refused with 421 — without a token
// the listener is on loopback, and any other name in Host is a browser
// sent there by a rebound DNS name.
func NoTokenLoopback(token func() string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token() == "" && !LoopbackHost(r.Host) {
			writeJSON(w, errNotLoopbackHost.Status, map[string]*Error{"error": errNotLoopbackHost})
			return
		}
		h.ServeHTTP(w, r)
	})
}
