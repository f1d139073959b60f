package admin

import (
	"fmt"
	"net/http"
	"strings"

	"cmtftp/internal/domain"
)

// kindOf returns the description of the collection the URL names
// (/api/v1/{kind}, singular or plural). Parameters are records too, but
// they have routes of their own (/api/v1/params).
func kindOf(r *http.Request) (domain.KindInfo, error) {
	k, err := domain.ParseKind(r.PathValue("kind"))
	ki, _ := domain.Describe(k)
	if err != nil || isParamKind(ki) {
		return domain.KindInfo{}, &Error{Code: CodeNotFound, Message: fmt.Sprintf("no such collection %q", r.PathValue("kind")), Status: http.StatusNotFound}
	}
	return ki, nil
}

// isParamKind reports whether the records of ki are parameters (one kind
// per scope).
func isParamKind(ki domain.KindInfo) bool {
	_, ok := ki.New().(*domain.Param)
	return ok
}

// list serves GET /api/v1/{kind}: every record of the kind.
func (s *Server) list(w http.ResponseWriter, r *http.Request) error {
	ki, err := kindOf(r)
	if err != nil {
		return err
	}
	es, err := s.Store.List(r.Context(), ki.Kind)
	if err != nil {
		return err
	}
	if es == nil {
		es = []domain.Entity{}
	}
	writeJSON(w, http.StatusOK, es)
	return nil
}

// get serves GET /api/v1/{kind}/{key}: one record; ?raw gives a custom
// file's bytes.
func (s *Server) get(w http.ResponseWriter, r *http.Request) error {
	ki, err := kindOf(r)
	if err != nil {
		return err
	}
	if isRawFile(ki.Kind, r) {
		return s.getFileRaw(w, r, r.PathValue("key")) // streamed, never whole (files.go)
	}
	e, err := s.Store.Get(r.Context(), ki.Kind, r.PathValue("key"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// put serves PUT /api/v1/{kind}/{key}: create or replace a record;
// X-Cmtftp-Changed says whether anything changed.
func (s *Server) put(w http.ResponseWriter, r *http.Request) error {
	ki, err := kindOf(r)
	if err != nil {
		return err
	}
	key := r.PathValue("key")
	if isRawFile(ki.Kind, r) {
		return s.putFile(w, r, key, MaxFileUpload) // streamed into the store (files.go)
	}
	e, err := s.body(w, r, ki)
	if err != nil {
		return err
	}
	if err := setKey(e, key); err != nil {
		return err
	}
	changed, err := s.Store.Put(r.Context(), e)
	if err != nil {
		return err
	}
	w.Header().Set("X-Cmtftp-Changed", fmt.Sprint(changed))
	writeJSON(w, http.StatusOK, e)
	return nil
}

// create serves POST /api/v1/{kind}: add a record that must not exist yet.
func (s *Server) create(w http.ResponseWriter, r *http.Request) error {
	ki, err := kindOf(r)
	if err != nil {
		return err
	}
	if ki.Kind == domain.KindFile {
		return badRequest("upload files with PUT /api/v1/files/NAME")
	}
	e, err := s.body(w, r, ki)
	if err != nil {
		return err
	}
	if err := s.Store.Create(r.Context(), e); err != nil {
		return err
	}
	w.Header().Set("Location", collection(ki.Kind)+"/"+e.Key())
	writeJSON(w, http.StatusCreated, e)
	return nil
}

// delete serves DELETE /api/v1/{kind}/{key}.
func (s *Server) delete(w http.ResponseWriter, r *http.Request) error {
	ki, err := kindOf(r)
	if err != nil {
		return err
	}
	if err := s.Store.Delete(r.Context(), ki.Kind, r.PathValue("key")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// body decodes a JSON record of kind ki within s.Limits (a custom file's
// raw bytes go to putFile instead).
func (s *Server) body(w http.ResponseWriter, r *http.Request, ki domain.KindInfo) (domain.Entity, error) {
	max := s.Limits.withDefaults().RecordBytes
	if ki.Kind == domain.KindFile {
		max = MaxFileRecordBytes
	}
	e := ki.New()
	if err := decode(w, r, max, e); err != nil {
		return nil, err
	}
	return e, nil
}

// setKey makes the record's key the one in the URL, or rejects a body that
// names another record.
func setKey(e domain.Entity, key string) error {
	if d, isDevice := e.(*domain.Device); e.Key() == "" && !(isDevice && d.MAC != "") {
		domain.SetKey(e, key) // a device given by MAC gets its name from it below
	}
	if d, ok := e.(*domain.Device); ok && d.Name == "" {
		if err := domain.Normalize(d); err != nil {
			return err
		}
	}
	if !strings.EqualFold(e.Key(), key) {
		return badRequest(fmt.Sprintf("the body names %s %q but the URL names %q", e.Kind(), e.Key(), key))
	}
	return nil
}
