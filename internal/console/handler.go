package console

import (
	"errors"
	"net/http"
	"strings"
)

// handlerFunc is a console handler: it writes its response, or writes
// nothing and returns an error, which Console.handle turns into an error
// page (or, for an event stream or API call, a short text).
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// statusError is an error with the HTTP status it is answered with.
type statusError struct {
	Status  int
	Message string
}

func (e *statusError) Error() string { return e.Message }

// The console's own refusals.
var (
	errUnauthorized = &statusError{http.StatusUnauthorized, "log in first (/ui/login)"}
	errCSRF         = &statusError{http.StatusForbidden, "missing or wrong CSRF token: reload the page and try again"}
	errCrossOrigin  = &statusError{http.StatusForbidden, "cross-origin request refused"}
	errBusy         = &statusError{http.StatusServiceUnavailable, "too many live views open; try again later"}
)

// notFound is a 404 with msg.
func notFound(msg string) error { return &statusError{http.StatusNotFound, msg} }

// badRequest is a 400 with msg.
func badRequest(msg string) error { return &statusError{http.StatusBadRequest, msg} }

// statusOf returns the status and the message to show for err; an error
// with neither a status nor an API code is a 500 whose text stays in the
// log.
func statusOf(err error) (int, string) {
	var se *statusError
	if errors.As(err, &se) {
		return se.Status, se.Message
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status, ae.Message
	}
	return http.StatusInternalServerError, "internal error"
}

// handle adapts h to an http.Handler.
func (c *Console) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		status, msg := statusOf(err)
		if status >= 500 {
			c.log.Error("console request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
		}
		if strings.HasPrefix(r.URL.Path, "/ui/events/") || strings.HasPrefix(r.URL.Path, "/ui/api/") || r.Header.Get(csrfHeader) != "" {
			http.Error(w, msg, status)
			return
		}
		ses, _ := c.sessionOf(r)
		if rerr := c.render(w, r, status, "error", ses, errorData{Status: status, Message: msg}); rerr != nil {
			http.Error(w, msg, status)
		}
	})
}

// errorData is the error page's.
type errorData struct {
	Status  int
	Message string
}
