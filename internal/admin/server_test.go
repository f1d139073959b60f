package admin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

func newAPI(t *testing.T, token string) (*Client, *sqlstore.DB, *httptest.Server) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := httptest.NewServer((&Server{Store: st, Token: token}).Handler())
	t.Cleanup(srv.Close)
	return &Client{Base: srv.URL, Token: token}, st, srv
}

func apiErr(t *testing.T, err error, status int, code string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Status != status || e.Code != code {
		t.Errorf("error %v (%#v): want %d %s", err, e, status, code)
	}
}

func TestAPIErrors(t *testing.T) {
	c, _, _ := newAPI(t, "")
	ctx := context.Background()
	if _, err := c.Apply(ctx, storetest.Site()); err != nil {
		t.Fatal(err)
	}
	_, err := c.Get(ctx, domain.KindDevice, "SEP000000000000")
	apiErr(t, err, 404, CodeNotFound)
	apiErr(t, c.Create(ctx, &domain.Line{Number: "4001"}), 409, CodeExists)
	apiErr(t, c.Delete(ctx, domain.KindPool, "HQ"), 409, CodeInUse)
	apiErr(t, c.Delete(ctx, domain.KindModel, "7961"), 403, CodeReadOnly)
	_, err = c.Put(ctx, &domain.Group{Name: "G1", Servers: []string{"cm1", "cm2", "cm3", "cm1"}})
	apiErr(t, err, 422, CodeInvalid)
	var e *Error
	if errors.As(err, &e) && (e.Kind != domain.KindGroup || e.Key != "G1" || e.Field != "servers") {
		t.Errorf("field error detail: %+v", e)
	}
	_, err = c.Put(ctx, &domain.Pool{Name: "P2", Group: "nope"})
	apiErr(t, err, 422, CodeInvalid) // a dangling reference is the request's fault, not a missing URL
	_, err = c.Param(ctx, "NoSuch")
	apiErr(t, err, 404, CodeNotFound)
	_, err = c.List(ctx, domain.Kind("widget"))
	apiErr(t, err, 404, CodeNotFound)

	// A body that names another record than the URL is refused.
	_, err = c.do(ctx, http.MethodPut, "/api/v1/lines/4001", &domain.Line{Number: "4002"}, nil)
	apiErr(t, err, 400, CodeBadRequest)
	_, err = c.do(ctx, http.MethodPut, "/api/v1/lines/4001", map[string]any{"number": "4001", "colour": "red"}, nil)
	apiErr(t, err, 400, CodeBadRequest)
}

func TestAPIParams(t *testing.T) {
	c, _, _ := newAPI(t, "")
	ctx := context.Background()
	ps, err := c.Params(ctx)
	if err != nil || len(ps) != len(domain.ParamDefs()) {
		t.Fatalf("params: %d, %v", len(ps), err)
	}
	p, err := c.SetParam(ctx, "buildcnffiles", "BUILD   all", false)
	if err != nil || p.Value != domain.BuildAll || p.Default || p.Name != "BuildCNFFiles" {
		t.Fatalf("set: %+v %v", p, err)
	}
	_, err = c.SetParam(ctx, "AlternateFileLocation3", "relative/dir", false)
	apiErr(t, err, 422, CodeInvalid)
	p, err = c.SetParam(ctx, "BuildCNFFiles", "", true)
	if err != nil || p.Value != domain.BuildSelective || !p.Default {
		t.Fatalf("reset: %+v %v", p, err)
	}
}

func TestAPIFilesRaw(t *testing.T) {
	c, _, srv := newAPI(t, "")
	ctx := context.Background()
	data := []byte{0, 1, 2, 3, 0xff}
	f, _, err := c.PutFile(ctx, "Desktops/80x53x1/bg.png", bytes.NewReader(data), int64(len(data)), "")
	if err != nil || f.Size != 5 || len(f.SHA256) != 64 {
		t.Fatalf("put: %+v %v", f, err)
	}
	resp, err := http.Get(srv.URL + "/api/v1/files/Desktops/80x53x1/bg.png?raw")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != string(data) || resp.Header.Get("ETag") != `"`+f.SHA256+`"` {
		t.Errorf("raw get: %q etag %s", got, resp.Header.Get("ETag"))
	}
}

func TestAPIChangesLongPoll(t *testing.T) {
	c, st, _ := newAPI(t, "")
	ctx := context.Background()
	last, _ := st.LastChange(ctx) // the built-in catalogue's rows
	start := time.Now()
	none, err := c.Changes(ctx, last, "200ms")
	if err != nil || len(none) != 0 || time.Since(start) < 150*time.Millisecond {
		t.Fatalf("empty long poll: %v %v after %v", none, err, time.Since(start))
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		c.Put(context.Background(), &domain.Line{Number: "4242"})
	}()
	got, err := c.Changes(ctx, last, "10s")
	if err != nil || len(got) != 1 || got[0].Kind != domain.KindLine || got[0].Key != "4242" {
		t.Fatalf("long poll: %v %v", got, err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("long poll waited for its full timeout after the event came")
	}
}

func TestAPIDatabaseGone(t *testing.T) {
	c, st, srv := newAPI(t, "")
	ctx := context.Background()
	st.Close()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Errorf("readyz with the database closed: %d", resp.StatusCode)
	}
	if resp, _ := http.Get(srv.URL + "/healthz"); resp == nil || resp.StatusCode != 200 {
		t.Errorf("healthz must not depend on the database")
	}
	_, err = c.List(ctx, domain.KindDevice)
	var e *Error
	if !errors.As(err, &e) || e.Status < 500 {
		t.Errorf("list with the database closed: %v", err)
	}
}

func TestAPIToken(t *testing.T) {
	c, _, srv := newAPI(t, "tok")
	ctx := context.Background()
	if _, err := c.List(ctx, domain.KindLine); err != nil {
		t.Fatalf("with token: %v", err)
	}
	bad := &Client{Base: srv.URL, Token: "nope"}
	_, err := bad.List(ctx, domain.KindLine)
	apiErr(t, err, 401, CodeUnauthorized)
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/lines", nil)
	req.Header.Set("Authorization", "tok") // no "Bearer "
	resp, _ := http.DefaultClient.Do(req)
	if resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("token without Bearer: %d", resp.StatusCode)
	}
	resp.Body.Close()
}
