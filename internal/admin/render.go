package admin

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"cmtftp/internal/render"
	"cmtftp/internal/source/built"
)

// built serves GET /api/v1/build/{name}: the file cmtftp builds for that
// name, with the records it came from in X-Cmtftp-Sources.
func (s *Server) built(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, sources, err := built.Render(r.Context(), s.Store, name)
	if errors.Is(err, render.ErrNotBuilt) {
		s.fail(w, r, &Error{Code: CodeNotFound, Message: err.Error(), Status: http.StatusNotFound})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("X-Cmtftp-Sources", strings.Join(sources, "; "))
	w.Header().Set("ETag", `"`+render.Hash(b)+`"`)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(b)
}

// Built fetches the file cmtftp builds for name and the records it came from.
func (c *Client) Built(ctx context.Context, name string) ([]byte, []string, error) {
	var b []byte
	resp, err := c.do(ctx, http.MethodGet, "/api/v1/build/"+escapePath(name), nil, &b)
	if err != nil {
		return nil, nil, err
	}
	return b, strings.Split(resp.Header.Get("X-Cmtftp-Sources"), "; "), nil
}
