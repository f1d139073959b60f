package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// APIError is an error the admin API answered with: its status and its
// JSON error body (the validation message and the field it is about).
type APIError struct {
	Status  int
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

// Error says the status, code and message the API answered.
func (e *APIError) Error() string {
	return fmt.Sprintf("admin API: %d %s: %s", e.Status, e.Code, e.Message)
}

// recorder is the response of an in-process API call.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

// apiRequest builds a request to the admin API carrying the token.
func (c *Console) apiRequest(ctx context.Context, method, path string, body io.Reader, contentType string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, path, body)
	if err != nil {
		return nil, fmt.Errorf("console: API request %s %s: %w", method, path, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if tok := c.cfg.Token(); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	req.RemoteAddr = "127.0.0.1:0"
	return req, nil
}

// callRaw makes one API call and returns the response; an answer of 300
// or more is an *APIError.
func (c *Console) callRaw(ctx context.Context, method, path string, body io.Reader, contentType string) (*recorder, error) {
	req, err := c.apiRequest(ctx, method, path, body, contentType)
	if err != nil {
		return nil, err
	}
	rec := &recorder{header: http.Header{}}
	c.cfg.API.ServeHTTP(rec, req)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if rec.status >= 300 { // a redirect too: the console names routes exactly
		e := &APIError{Status: rec.status}
		var wrap struct {
			Error *APIError `json:"error"`
		}
		wrap.Error = e
		if json.Unmarshal(rec.body.Bytes(), &wrap) != nil || e.Message == "" {
			e.Message = strings.TrimSpace(rec.body.String())
		}
		return rec, e
	}
	return rec, nil
}

// call makes one JSON API call: in (when not nil) is the body, out (when
// not nil) receives the answer.
func (c *Console) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	ct := ""
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("console: encode %s %s: %w", method, path, err)
		}
		body, ct = bytes.NewReader(b), "application/json"
	}
	rec, err := c.callRaw(ctx, method, path, body, ct)
	if err != nil {
		return err
	}
	if out != nil {
		if err := json.Unmarshal(rec.body.Bytes(), out); err != nil {
			return fmt.Errorf("console: decode %s %s: %w", method, path, err)
		}
	}
	return nil
}

// bridge serves /ui/api/v1/…: the same call to the admin API's
// /api/v1/…, with the token, for the console's scripts (the session and
// its CSRF token stand in for the bearer token).
func (c *Console) bridge(w http.ResponseWriter, r *http.Request, _ session) error {
	path, ok := strings.CutPrefix(r.URL.EscapedPath(), "/ui/api/v1/")
	if !ok {
		return notFound("no such API route")
	}
	req, err := c.apiRequest(r.Context(), r.Method, "/api/v1/"+path, r.Body, r.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	req.URL.RawQuery = r.URL.RawQuery
	req.ContentLength = r.ContentLength
	// What the API answers (JSON, or a stored file's own bytes) is data
	// for the console's scripts, never a page of the console's origin.
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	c.cfg.API.ServeHTTP(w, req)
	return nil
}
