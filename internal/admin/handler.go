package admin

import (
	"encoding/json"
	"log/slog"
	"net/http"
)

// handlerFunc is an API handler in the style of Caddy's HandlerFunc: it
// writes its response, or writes nothing and returns an error. Server.handle
// turns that error into the JSON error body; no handler writes one itself.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts h to an http.Handler that writes the error h returns with
// writeError.
func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// writeError writes err as {"error": {...}} with its stable code (toError).
// A failure on the server's side (5xx) is logged with the request and the
// full error; an error with no stable code goes to the client only as
// "internal error", never with its own text.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := toError(err)
	if s.Logger != nil && e.Status >= 500 {
		level := slog.LevelWarn
		if e.Code == CodeInternal {
			level = slog.LevelError
		}
		s.Logger.Log(r.Context(), level, "admin request failed",
			"method", r.Method, "path", r.URL.Path, "status", e.Status, "code", e.Code, "err", err)
	}
	writeJSON(w, e.Status, map[string]*Error{"error": e})
}

// writeJSON writes v as indented JSON with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// decode reads the JSON request body, one record of at most max bytes, into
// v; unknown fields are an error, a longer body is a 413.
func decode(w http.ResponseWriter, r *http.Request, max int64, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, max))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if tl := tooLarge(err); tl != nil {
			return tl
		}
		return badRequest("request body: " + err.Error())
	}
	return nil
}
