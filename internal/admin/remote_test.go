package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/source/remote"
	"cmtftp/internal/store/sqlite"
)

// call sends body to the API and returns the status and the response body
// (compacted, when it is JSON).
func call(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var flat bytes.Buffer
	if json.Compact(&flat, b) != nil {
		return resp.StatusCode, string(b)
	}
	return resp.StatusCode, flat.String()
}

// TestRemoteRecords: /api/v1/remotes shows and takes "enabled" (default
// true), keeps the servers' order and names the field of a bad server.
func TestRemoteRecords(t *testing.T) {
	c, _, srv := newAPI(t, "")
	ctx := context.Background()
	base := srv.URL + "/api/v1/remotes"
	if st, body := call(t, "POST", base, `{"name":"B","servers":["TFTP-B.example.net","192.0.2.31:6970"]}`); st != 201 ||
		!strings.Contains(body, `"priority":0,"servers":["tftp-b.example.net","192.0.2.31:6970"],"enabled":true}`) {
		t.Fatalf("create: %d %s", st, body)
	}
	if st, body := call(t, "PUT", base+"/B", `{"name":"B","priority":3,"servers":["192.0.2.31:6970"],"enabled":false}`); st != 200 ||
		!strings.Contains(body, `"enabled":false`) {
		t.Fatalf("disable: %d %s", st, body)
	}
	r, err := c.Get(ctx, domain.KindRemote, "B")
	if rc, _ := r.(*domain.RemoteCluster); err != nil || !rc.Disabled || rc.Priority != 3 || len(rc.Servers) != 1 {
		t.Errorf("get B: %+v, %v", r, err)
	}
	if st, body := call(t, "PUT", base+"/B", `{"name":"B","servers":["b"],"disabled":true}`); st != 400 || !strings.Contains(body, "disabled") {
		t.Errorf("unknown field disabled: %d %s", st, body)
	}
	_, err = c.Put(ctx, &domain.RemoteCluster{Name: "C", Servers: []string{"b", "http://c"}})
	apiErr(t, err, 422, CodeInvalid)
	var e *Error
	if !errors.As(err, &e) || e.Kind != domain.KindRemote || e.Field != "servers[1]" || !strings.Contains(e.Message, "host[:port]") {
		t.Errorf("bad server: %+v", e)
	}
	es, err := c.List(ctx, domain.KindRemote)
	if err != nil || len(es) != 1 || !es[0].(*domain.RemoteCluster).Disabled {
		t.Errorf("list: %v, %v", es, err)
	}
}

// TestRemoteSite: in an applied site document the list order gives the
// priority where none is given; export shows priority and enabled; YAML
// reads the same way.
func TestRemoteSite(t *testing.T) {
	c, _, srv := newAPI(t, "")
	doc := `{"remoteClusters":[{"name":"Z","servers":["192.0.2.61"]},{"name":"Y","priority":9,"servers":["y"]},` +
		`{"name":"X","servers":["[2001:db8::1]"],"enabled":false}]}`
	if st, body := call(t, "POST", srv.URL+"/api/v1/apply", doc); st != 200 {
		t.Fatalf("apply: %d %s", st, body)
	}
	site, err := c.Export(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got [][3]any // in search order
	for _, r := range site.RemoteClusters {
		got = append(got, [3]any{r.Name, r.Priority, !r.Disabled})
	}
	if want := [][3]any{{"Z", 1, true}, {"X", 2, false}, {"Y", 3, true}}; !reflect.DeepEqual(got, want) {
		t.Errorf("exported %v, want %v (search order, numbered from 1)", got, want)
	}
	st, body := call(t, "GET", srv.URL+"/api/v1/export", "")
	if st != 200 || !strings.Contains(body, `{"name":"X","priority":2,"servers":["[2001:db8::1]"],"enabled":false}`) {
		t.Errorf("export: %d %s", st, body)
	}
	y := "remoteClusters:\n  - name: B\n    servers: [b1, b2]\n  - name: C\n    enabled: false\n    servers: [c]\n"
	s, err := ReadSite(strings.NewReader(y), Limits{})
	if err != nil || len(s.RemoteClusters) != 2 || s.RemoteClusters[0].Disabled || !s.RemoteClusters[1].Disabled {
		t.Fatalf("YAML: %+v, %v", s, err)
	}
	if _, err := ReadSite(strings.NewReader("remoteClusters:\n  - name: B\n    server: [b]\n"), Limits{}); err == nil {
		t.Error("YAML: unknown field server accepted")
	}
}

// statusFixture is what the fake status route answers.
func statusFixture() []remote.ClusterStatus {
	at := time.Date(2026, 12, 1, 19, 30, 5, 0, time.UTC)
	return []remote.ClusterStatus{{Cluster: "B", Enabled: true, Priority: 1, Servers: []remote.ServerStatus{
		{Server: "192.0.2.31", URL: "http://192.0.2.31:6970", Up: true, Requests: 10, Hits: 7, NotFound: 2, Busy: 1},
		{Server: "[2001:db8::1]:6970", URL: "http://[2001:db8::1]:6970", DownUntil: at, Requests: 3, Errors: 3,
			LastError: "timeout", LastErrorAt: at},
	}}}
}

// TestRemoteStatusClient: RemoteStatus asks GET /api/v1/remotes/status
// (a route the server adds through Extra, next to the record routes) with
// the token and decodes the answer.
func TestRemoteStatusClient(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	want := statusFixture()
	api := &Server{Store: st, Token: "s3cret", Extra: func(mux *http.ServeMux) {
		mux.HandleFunc("GET /api/v1/remotes/status", func(w http.ResponseWriter, _ *http.Request) {
			var b bytes.Buffer
			json.NewEncoder(&b).Encode(want)
			w.Header().Set("Content-Type", "application/json")
			w.Write(b.Bytes())
		})
	}}
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	got, err := (&Client{Base: srv.URL, Token: "s3cret"}).RemoteStatus(context.Background())
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("RemoteStatus = %+v, %v\nwant %+v", got, err, want)
	}
	_, err = (&Client{Base: srv.URL}).RemoteStatus(context.Background())
	apiErr(t, err, 401, CodeUnauthorized)
	c, _, _ := newAPI(t, "") // no status route: the record routes answer 404
	if _, err := c.RemoteStatus(context.Background()); !strings.Contains(fmt.Sprint(err), "has no remote status") {
		t.Errorf("without the route: %v", err)
	} else {
		apiErr(t, err, 404, CodeNotFound)
	}
}

// TestRemoteExportReapplied: clusters stored with equal or zero priorities
// (the CLI's default) export numbered in search order, and the export
// applied to another store gives the same order.
func TestRemoteExportReapplied(t *testing.T) {
	c, _, _ := newAPI(t, "")
	ctx := context.Background()
	for _, r := range []*domain.RemoteCluster{{Name: "M", Priority: 5, Servers: []string{"m"}}, {Name: "Z", Servers: []string{"z"}}, {Name: "A", Servers: []string{"a"}}} {
		if err := c.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	order := func(c *Client) []string {
		site, err := c.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range site.RemoteClusters {
			names = append(names, r.Name)
		}
		return names
	}
	first := order(c)
	if want := []string{"A", "Z", "M"}; !reflect.DeepEqual(first, want) {
		t.Fatalf("export order %v, want %v", first, want)
	}
	site, _ := c.Export(ctx)
	other, _, _ := newAPI(t, "")
	if _, err := other.Apply(ctx, site); err != nil {
		t.Fatal(err)
	}
	if again := order(other); !reflect.DeepEqual(again, first) {
		t.Fatalf("re-applied order %v, want %v", again, first)
	}
}
