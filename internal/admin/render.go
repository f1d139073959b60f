package admin

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"cmtftp/internal/build"
	"cmtftp/internal/store"
)

// StoreRecords lets the builders read records straight from a store.
type StoreRecords struct {
	Ctx   context.Context
	Store store.Store
}

var _ build.Records = StoreRecords{}

// DeviceConfig implements build.Records.
func (r StoreRecords) DeviceConfig(name string) (*store.DeviceConfig, error) {
	return r.Store.DeviceConfig(r.Ctx, name)
}

// DialPlan implements build.Records.
func (r StoreRecords) DialPlan(name string) (*store.DialPlan, error) {
	return store.Get[*store.DialPlan](r.Ctx, r.Store, name)
}

// Softkey implements build.Records.
func (r StoreRecords) Softkey(name string) (*store.SoftkeyTemplate, error) {
	return store.Get[*store.SoftkeyTemplate](r.Ctx, r.Store, name)
}

// Defaults implements build.Records: the groups, pools, servers, models and
// parameters the default files need.
func (r StoreRecords) Defaults() (*build.DefaultConfig, error) {
	site := &store.Site{}
	for _, k := range []store.Kind{store.KindServer, store.KindGroup, store.KindPool, store.KindModel, store.KindEnterprise, store.KindService} {
		es, err := r.Store.List(r.Ctx, k)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			site.Add(e)
		}
	}
	return build.FromIndex(store.NewIndex(site)).Defaults()
}

// built serves GET /api/v1/build/{name}: the file cmtftp builds for that
// name, with the records it came from in X-Cmtftp-Sources.
func (s *Server) built(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, sources, err := build.Render(name, StoreRecords{Ctx: r.Context(), Store: s.Store})
	if errors.Is(err, build.ErrNotBuilt) {
		s.fail(w, r, &Error{Code: CodeNotFound, Message: err.Error(), Status: http.StatusNotFound})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("X-Cmtftp-Sources", strings.Join(sources, "; "))
	w.Header().Set("ETag", `"`+build.Hash(b)+`"`)
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
