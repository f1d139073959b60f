package admin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"cmtftp/internal/store/sqlite"
)

// newResetAPI serves the API with reset as its Reset hook.
func newResetAPI(t *testing.T, reset func(context.Context, ResetRequest) ([]ResetResult, error)) *Client {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := httptest.NewServer((&Server{Store: st, Token: "tok", Reset: reset}).Handler())
	t.Cleanup(srv.Close)
	return &Client{Base: srv.URL, Token: "tok"}
}

func TestAPIResetBadRequests(t *testing.T) {
	called := false
	c := newResetAPI(t, func(context.Context, ResetRequest) ([]ResetResult, error) { called = true; return nil, nil })
	for _, q := range []ResetRequest{
		{Action: "reboot", Devices: []string{"SEP0000DE000001"}},
		{Action: "restart"},
		{Action: "restart", Devices: []string{"SEP0000DE000001"}, All: true},
		{Action: "reset", Pool: "P", ChangedSince: 3},
		{Action: "reset", ChangedSince: -1},
	} {
		_, err := c.Reset(context.Background(), q)
		apiErr(t, err, http.StatusBadRequest, CodeBadRequest)
	}
	var out ResetResponse
	err := c.postJSON(`{"action":"restart","all":true,"extra":1}`, &out)
	apiErr(t, err, http.StatusBadRequest, CodeBadRequest)
	if called {
		t.Error("a bad request reached Reset")
	}
}

func (c *Client) postJSON(body string, out any) error {
	_, err := c.do(context.Background(), http.MethodPost, "/api/v1/reset", []byte(body), out)
	return err
}

func TestAPIReset(t *testing.T) {
	var got ResetRequest
	want := []ResetResult{
		{Device: "SEP0000DE000001", Protocol: "SIP", Target: "127.0.0.1:5060", Event: "check-sync", Result: "answered", Status: 200, Detail: "OK"},
		{Device: "SEP0000DE000002", Protocol: "SCCP", Result: "not-sent", Detail: "SCCP phones are reset by their call-control server"},
	}
	c := newResetAPI(t, func(_ context.Context, q ResetRequest) ([]ResetResult, error) { got = q; return want, nil })
	q := ResetRequest{Action: "restart", Devices: []string{"SEP0000DE000001", "SEP0000DE000002"}}
	res, err := c.Reset(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res, want) || !reflect.DeepEqual(got, q) {
		t.Errorf("results %+v for %+v", res, got)
	}
	var raw []byte
	if err := c.postJSON(`{"action":"reset","changedSince":7}`, &raw); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"results"`, `"protocol": "SCCP"`, `"result": "not-sent"`, `"target": "127.0.0.1:5060"`} {
		if !strings.Contains(string(raw), s) {
			t.Errorf("body lacks %s: %s", s, raw)
		}
	}
	if got.ChangedSince != 7 || got.Action != "reset" {
		t.Errorf("request %+v", got)
	}
	c.Token = ""
	_, err = c.Reset(context.Background(), q)
	apiErr(t, err, http.StatusUnauthorized, CodeUnauthorized)
}

func TestAPIResetNotWired(t *testing.T) {
	c := newResetAPI(t, nil)
	_, err := c.Reset(context.Background(), ResetRequest{Action: "restart", All: true})
	apiErr(t, err, http.StatusNotImplemented, CodeUnavailable)
}
