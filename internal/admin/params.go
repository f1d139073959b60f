package admin

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// ParamView is a parameter as the API shows it: definition, stored value
// and the value in effect.
type ParamView struct {
	domain.ParamDef
	Value   string `json:"value"`
	Default bool   `json:"isDefault"`
}

// params returns every parameter with its value in effect.
func (s *Server) params(r *http.Request) ([]ParamView, error) {
	eff, stored, err := store.LoadParams(r.Context(), s.Store)
	if err != nil {
		return nil, err
	}
	var out []ParamView
	for _, d := range domain.ParamDefs() {
		isDefault := !slices.ContainsFunc(stored, func(p domain.Param) bool { return p.Scope == d.Scope && p.Name == d.Name })
		out = append(out, ParamView{ParamDef: d, Value: eff[d.Name], Default: isDefault})
	}
	return out, nil
}

// paramDef returns the definition of the parameter named name (any case).
func paramDef(name string) (domain.ParamDef, error) {
	d, ok := domain.FindParam(name)
	if !ok {
		return d, &Error{Code: CodeNotFound, Message: fmt.Sprintf("no parameter named %q (cmtftp param list shows them all)", name), Status: http.StatusNotFound}
	}
	return d, nil
}

// listParams serves GET /api/v1/params.
func (s *Server) listParams(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.params(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ps)
	return nil
}

// getParam serves GET /api/v1/params/{name}.
func (s *Server) getParam(w http.ResponseWriter, r *http.Request) error {
	d, err := paramDef(r.PathValue("name"))
	if err != nil {
		return err
	}
	ps, err := s.params(r)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.Name == d.Name && p.Scope == d.Scope {
			writeJSON(w, http.StatusOK, p)
			return nil
		}
	}
	return nil
}

// setParam serves PUT /api/v1/params/{name} with {"value": "..."}; it
// answers with the parameter as GET shows it.
func (s *Server) setParam(w http.ResponseWriter, r *http.Request) error {
	d, err := paramDef(r.PathValue("name"))
	if err != nil {
		return err
	}
	var v struct {
		Value string `json:"value"`
	}
	if err := decode(w, r, s.Limits.withDefaults().RecordBytes, &v); err != nil {
		return err
	}
	p := &domain.Param{Scope: d.Scope, Name: d.Name, Value: v.Value}
	if _, err := s.Store.Put(r.Context(), p); err != nil {
		return err
	}
	return s.getParam(w, r)
}

// resetParam serves DELETE /api/v1/params/{name}: the default is in effect
// again.
func (s *Server) resetParam(w http.ResponseWriter, r *http.Request) error {
	d, err := paramDef(r.PathValue("name"))
	if err != nil {
		return err
	}
	if err := s.Store.Delete(r.Context(), d.Scope, d.Name); err != nil && !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	return s.getParam(w, r)
}
