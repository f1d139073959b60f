package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/admin"
	"cmtftp/internal/domain"
	"cmtftp/internal/source/remote"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
)

// startAPI serves the admin API on a fresh SQLite store, with extra routes.
func startAPI(t *testing.T, extra func(*http.ServeMux)) (string, store.Store) {
	t.Helper()
	t.Setenv(envToken, "")
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cli.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := httptest.NewServer((&admin.Server{Store: st, Extra: extra}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL, st
}

// run runs "cmtftp ARGS… --server URL" on a new command tree and returns
// what it printed.
func run(t *testing.T, url string, args ...string) (string, error) {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(append(args, "--server", url))
	err := root.Execute()
	return out.String(), err
}

// TestRemoteCommands: the generated remote add|list|show|set|rm, with
// --enabled default true on add and left alone by set without it.
func TestRemoteCommands(t *testing.T) {
	url, st := startAPI(t, nil)
	ctx := context.Background()
	get := func() *domain.RemoteCluster {
		r, err := store.Get[*domain.RemoteCluster](ctx, st, "B")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, step := range []struct {
		args     []string
		out      string // part of the output
		disabled bool
		priority int
		servers  []string
	}{
		{[]string{"remote", "add", "B", "--servers", "192.0.2.31,192.0.2.32:6970", "--description", "building B"}, "added remote B", false, 0,
			[]string{"192.0.2.31", "192.0.2.32:6970"}},
		{[]string{"remote", "set", "B", "--enabled=false"}, "changed remote B", true, 0, []string{"192.0.2.31", "192.0.2.32:6970"}},
		{[]string{"remote", "set", "B", "--priority", "2", "--servers", "[2001:db8::1]:6970,TFTP-B.example.net"}, "changed remote B", true, 2,
			[]string{"[2001:db8::1]:6970", "tftp-b.example.net"}},
		{[]string{"remote", "set", "B", "--enabled"}, "changed remote B", false, 2, []string{"[2001:db8::1]:6970", "tftp-b.example.net"}},
	} {
		out, err := run(t, url, step.args...)
		if err != nil || !strings.Contains(out, step.out) {
			t.Fatalf("%v: %q, %v", step.args, out, err)
		}
		if r := get(); r.Disabled != step.disabled || r.Priority != step.priority || !reflect.DeepEqual(r.Servers, step.servers) {
			t.Errorf("after %v: %+v", step.args, r)
		}
	}
	out, err := run(t, url, "remote", "list")
	if err != nil || !strings.Contains(out, "NAME  ENABLED  PRIORITY  SERVERS") ||
		!strings.Contains(out, "B     yes      2         [2001:db8::1]:6970,tftp-b.example.net  building B") {
		t.Errorf("list:\n%s%v", out, err)
	}
	if out, err := run(t, url, "remote", "show", "B", "-o", "json"); err != nil || !strings.Contains(out, `"enabled": true`) {
		t.Errorf("show:\n%s%v", out, err)
	}
	if out, err := run(t, url, "remote", "add", "C", "--servers", "http://192.0.2.41"); err == nil || !strings.Contains(err.Error(), "servers[0]") {
		t.Errorf("add a URL: %q, %v", out, err)
	}
	if out, err := run(t, url, "remote", "rm", "B"); err != nil || !strings.Contains(out, "deleted remote B") {
		t.Errorf("rm: %q, %v", out, err)
	}
}

// statusFixture is what the fake status route answers.
func statusFixture() []remote.ClusterStatus {
	at := time.Date(2026, 12, 1, 19, 30, 5, 0, time.UTC)
	return []remote.ClusterStatus{
		{Cluster: "B", Enabled: true, Priority: 1, Servers: []remote.ServerStatus{
			{Server: "192.0.2.31", URL: "http://192.0.2.31:6970", Up: true, Requests: 10, Hits: 7, NotFound: 2, Busy: 1},
			{Server: "[2001:db8::1]:6970", URL: "http://[2001:db8::1]:6970", DownUntil: at.Add(30 * time.Second), Requests: 3, Errors: 3,
				LastError: "dial tcp: i/o\ntimeout", LastErrorAt: at},
		}},
		{Cluster: "C", Enabled: false, Priority: 2},
	}
}

func TestWriteRemoteStatus(t *testing.T) {
	var b bytes.Buffer
	if err := writeRemoteStatus(&b, statusFixture(), time.UTC); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"CLUSTER  ENABLED  SERVER              STATE                REQUESTS  HITS  404  503  ERRORS  LAST ERROR\n" +
		"B        yes      192.0.2.31          up                   10        7     2    1    0       -\n" +
		"B        yes      [2001:db8::1]:6970  down until 19:30:35  3         0     0    0    3       dial tcp: i/o timeout (19:30:05)\n" +
		"C        no       -                   -                    -         -     -    -    -       -\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestRemoteStatusCommand: "cmtftp remote status" asks the route the server
// adds and prints the table, or the JSON with --json.
func TestRemoteStatusCommand(t *testing.T) {
	url, _ := startAPI(t, func(mux *http.ServeMux) {
		mux.HandleFunc("GET /api/v1/remotes/status", func(w http.ResponseWriter, _ *http.Request) {
			json.NewEncoder(w).Encode(statusFixture())
		})
	})
	out, err := run(t, url, "remote", "status")
	if err != nil || !strings.HasPrefix(out, "CLUSTER  ENABLED  SERVER") || !strings.Contains(out, "192.0.2.31          up") {
		t.Errorf("status:\n%s%v", out, err)
	}
	out, err = run(t, url, "remote", "status", "--json")
	var got []remote.ClusterStatus
	if err != nil || json.Unmarshal([]byte(out), &got) != nil || !reflect.DeepEqual(got, statusFixture()) {
		t.Errorf("status --json:\n%s%v", out, err)
	}
}
