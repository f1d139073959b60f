package admin

import (
	"cmp"
	"context"
	"net/http"
	"slices"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// apply serves POST /api/v1/apply: a whole site document written in one
// transaction. The document is read one record at a time within s.Limits
// (DecodeSite).
func (s *Server) apply(w http.ResponseWriter, r *http.Request) error {
	lim := s.Limits.withDefaults()
	site, err := DecodeSite(http.MaxBytesReader(w, r.Body, lim.Body), lim)
	if err != nil {
		return err
	}
	res, err := s.Store.Apply(r.Context(), site)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// export serves GET /api/v1/export: the whole configuration (Export).
func (s *Server) export(w http.ResponseWriter, r *http.Request) error {
	site, err := Export(r.Context(), s.Store)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, site)
	return nil
}

// Export returns the whole configuration as a site document (built-in
// models left out: every store has them). Remote clusters are listed in
// search order (priority, then name), numbered 1, 2, 3 … in that order, so
// that applying the document again gives the same order even where stored
// priorities were equal or 0.
func Export(ctx context.Context, st store.Store) (*domain.Site, error) {
	site, err := store.LoadSite(ctx, st)
	if err != nil {
		return nil, err
	}
	site.Models = slices.DeleteFunc(site.Models, func(m *domain.Model) bool { return m.Builtin })
	slices.SortStableFunc(site.RemoteClusters, func(a, b *domain.RemoteCluster) int { return cmp.Compare(a.Priority, b.Priority) })
	for i, r := range site.RemoteClusters {
		r.Priority = i + 1
	}
	for i, f := range site.Files { // listed without their bytes
		full, err := store.Get[*domain.CustomFile](ctx, st, f.Name)
		if err != nil {
			return nil, err
		}
		site.Files[i] = full
	}
	return site, nil
}
