package admin

import (
	"io"
	"net/http"
)

// healthz answers as long as the process serves HTTP; it does not depend
// on the database.
func healthz(w http.ResponseWriter, r *http.Request) error {
	io.WriteString(w, "ok\n")
	return nil
}

// ready answers when the database does (503 otherwise).
func (s *Server) ready(w http.ResponseWriter, r *http.Request) error {
	if err := s.Store.Ping(r.Context()); err != nil {
		return &Error{Code: CodeUnavailable, Message: "database unavailable: " + err.Error(), Status: http.StatusServiceUnavailable}
	}
	io.WriteString(w, "ready\n")
	return nil
}
