package admin

import (
	"errors"
	"net/http"
	"strings"

	"cmtftp/internal/render"
	"cmtftp/internal/source/built"
)

// built serves GET /api/v1/build/{name}: the file cmtftp builds for that
// name, with the records it came from in X-Cmtftp-Sources.
func (s *Server) built(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	b, sources, err := built.Render(r.Context(), s.Store, name)
	if errors.Is(err, render.ErrNotBuilt) {
		return &Error{Code: CodeNotFound, Message: err.Error(), Status: http.StatusNotFound}
	}
	if err != nil {
		return err
	}
	w.Header().Set("X-Cmtftp-Sources", strings.Join(sources, "; "))
	w.Header().Set("ETag", `"`+render.Hash(b)+`"`)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(b)
	return nil
}
