// Package admin is cmtftp's admin API: JSON over HTTP for every record of
// the store, parameters, whole-site apply and export, health and readiness.
// The CLI is a client of it (Client).
package admin

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// MaxBody is the largest request body accepted (a site document or a file).
const MaxBody = 128 << 20

// Server serves the admin API. Zero values are not usable: set Store.
type Server struct {
	// Store is the configuration database.
	Store store.Store
	// Token, when set, must come with every request but /healthz and
	// /readyz as "Authorization: Bearer <token>".
	Token string
	// Logger receives one line per failed request; nil discards.
	Logger *slog.Logger
	// Extra registers more routes on the same mux (metrics, timeline …).
	Extra func(mux *http.ServeMux)
}

// Handler returns the API's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", s.ready)
	mux.HandleFunc("GET /api/v1/params", s.listParams)
	mux.HandleFunc("GET /api/v1/params/{name}", s.getParam)
	mux.HandleFunc("PUT /api/v1/params/{name}", s.setParam)
	mux.HandleFunc("DELETE /api/v1/params/{name}", s.resetParam)
	mux.HandleFunc("POST /api/v1/apply", s.apply)
	mux.HandleFunc("GET /api/v1/export", s.export)
	mux.HandleFunc("GET /api/v1/changes", s.changes)
	mux.HandleFunc("GET /api/v1/devices/{name}/config", s.deviceConfig)
	mux.HandleFunc("GET /api/v1/build/{name...}", s.built)
	mux.HandleFunc("GET /api/v1/{kind}", s.list)
	mux.HandleFunc("POST /api/v1/{kind}", s.create)
	mux.HandleFunc("GET /api/v1/{kind}/{key...}", s.get)
	mux.HandleFunc("PUT /api/v1/{kind}/{key...}", s.put)
	mux.HandleFunc("DELETE /api/v1/{kind}/{key...}", s.delete)
	if s.Extra != nil {
		s.Extra(mux)
	}
	return s.auth(mux)
}

func (s *Server) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Token != "" && r.URL.Path != "/healthz" && r.URL.Path != "/readyz" {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.Token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="cmtftp"`)
				s.fail(w, r, &Error{Code: CodeUnauthorized, Message: "a valid bearer token is required (CMTFTP_ADMIN_TOKEN)", Status: http.StatusUnauthorized})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	if err := s.Store.Ping(r.Context()); err != nil {
		s.fail(w, r, &Error{Code: CodeUnavailable, Message: "database unavailable: " + err.Error(), Status: http.StatusServiceUnavailable})
		return
	}
	io.WriteString(w, "ready\n")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := toError(err)
	if s.Logger != nil && e.Status >= 500 {
		s.Logger.Warn("admin request failed", "method", r.Method, "path", r.URL.Path, "status", e.Status, "err", err)
	}
	writeJSON(w, e.Status, map[string]*Error{"error": e})
}

func kindOf(r *http.Request) (domain.Kind, error) {
	k, err := domain.ParseKind(r.PathValue("kind"))
	if err != nil || k == domain.KindEnterprise || k == domain.KindService {
		return "", &Error{Code: CodeNotFound, Message: fmt.Sprintf("no such collection %q", r.PathValue("kind")), Status: http.StatusNotFound}
	}
	return k, nil
}

func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("request body: " + err.Error())
	}
	return nil
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	k, err := kindOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	es, err := s.Store.List(r.Context(), k)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if es == nil {
		es = []domain.Entity{}
	}
	writeJSON(w, http.StatusOK, es)
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	k, err := kindOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.Store.Get(r.Context(), k, r.PathValue("key"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f, ok := e.(*domain.CustomFile); ok && r.URL.Query().Has("raw") {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("ETag", `"`+f.SHA256+`"`)
		w.Write(f.Data)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// body decodes a record of kind k; a raw (non-JSON) body is a custom file's data.
func body(r *http.Request, k domain.Kind, key string) (domain.Entity, error) {
	if k == domain.KindFile && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxBody))
		if err != nil {
			return nil, badRequest("request body: " + err.Error())
		}
		return &domain.CustomFile{Name: key, Data: data}, nil
	}
	e, err := domain.New(k)
	if err != nil {
		return nil, err
	}
	if err := decode(r, e); err != nil {
		return nil, err
	}
	return e, nil
}

func (s *Server) put(w http.ResponseWriter, r *http.Request) {
	k, err := kindOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := r.PathValue("key")
	e, err := body(r, k, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := setKey(e, key); err != nil {
		s.fail(w, r, err)
		return
	}
	changed, err := s.Store.Put(r.Context(), e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("X-Cmtftp-Changed", fmt.Sprint(changed))
	writeJSON(w, http.StatusOK, e)
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

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	k, err := kindOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if k == domain.KindFile {
		s.fail(w, r, badRequest("upload files with PUT /api/v1/files/NAME"))
		return
	}
	e, err := body(r, k, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Store.Create(r.Context(), e); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/"+string(k)+"s/"+e.Key())
	writeJSON(w, http.StatusCreated, e)
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request) {
	k, err := kindOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Store.Delete(r.Context(), k, r.PathValue("key")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ParamView is a parameter as the API shows it: definition, stored value
// and the value in effect.
type ParamView struct {
	domain.ParamDef
	Value   string `json:"value"`
	Default bool   `json:"isDefault"`
}

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

func (s *Server) listParams(w http.ResponseWriter, r *http.Request) {
	ps, err := s.params(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ps)
}

func paramDef(name string) (domain.ParamDef, error) {
	d, ok := domain.FindParam(name)
	if !ok {
		return d, &Error{Code: CodeNotFound, Message: fmt.Sprintf("no parameter named %q (cmtftp param list shows them all)", name), Status: http.StatusNotFound}
	}
	return d, nil
}

func (s *Server) getParam(w http.ResponseWriter, r *http.Request) {
	d, err := paramDef(r.PathValue("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ps, err := s.params(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, p := range ps {
		if p.Name == d.Name && p.Scope == d.Scope {
			writeJSON(w, http.StatusOK, p)
			return
		}
	}
}

func (s *Server) setParam(w http.ResponseWriter, r *http.Request) {
	d, err := paramDef(r.PathValue("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var v struct {
		Value string `json:"value"`
	}
	if err := decode(r, &v); err != nil {
		s.fail(w, r, err)
		return
	}
	p := &domain.Param{Scope: d.Scope, Name: d.Name, Value: v.Value}
	if _, err := s.Store.Put(r.Context(), p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.getParam(w, r)
}

func (s *Server) resetParam(w http.ResponseWriter, r *http.Request) {
	d, err := paramDef(r.PathValue("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Store.Delete(r.Context(), d.Scope, d.Name); err != nil && !errors.Is(err, domain.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	s.getParam(w, r)
}

func (s *Server) apply(w http.ResponseWriter, r *http.Request) {
	var site domain.Site
	if err := decode(r, &site); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.Store.Apply(r.Context(), &site)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// Export returns the whole configuration as a site document (built-in
// models left out: every store has them).
func Export(ctx context.Context, st store.Store) (*domain.Site, error) {
	site, err := store.LoadSite(ctx, st)
	if err != nil {
		return nil, err
	}
	site.Models = slices.DeleteFunc(site.Models, func(m *domain.Model) bool { return m.Builtin })
	for i, f := range site.Files { // listed without their bytes
		full, err := store.Get[*domain.CustomFile](ctx, st, f.Name)
		if err != nil {
			return nil, err
		}
		site.Files[i] = full
	}
	return site, nil
}

func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	site, err := Export(r.Context(), s.Store)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, site)
}

func (s *Server) deviceConfig(w http.ResponseWriter, r *http.Request) {
	c, err := s.Store.DeviceConfig(r.Context(), r.PathValue("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// changes long-polls the change feed: events after ?after=N, waiting up to
// ?wait=DURATION (default 0, at most 60 s) for the first one.
func (s *Server) changes(w http.ResponseWriter, r *http.Request) {
	var after int64
	if a := r.URL.Query().Get("after"); a != "" {
		if _, err := fmt.Sscan(a, &after); err != nil {
			s.fail(w, r, badRequest("after: not a number"))
			return
		}
	}
	wait := time.Duration(0)
	if v := r.URL.Query().Get("wait"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			s.fail(w, r, badRequest("wait: not a duration like 10s"))
			return
		}
		wait = min(d, time.Minute)
	}
	ctx, cancel := contextWithTimeout(r, wait)
	defer cancel()
	ch, err := s.Store.Changes(ctx, after)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []store.Change{}
	var grace <-chan time.Time
	for {
		select {
		case c, ok := <-ch:
			if ok {
				out = append(out, c)
				if grace == nil {
					grace = time.After(20 * time.Millisecond)
				}
				if len(out) < 1000 {
					continue
				}
			}
		case <-grace:
		case <-ctx.Done():
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
}
