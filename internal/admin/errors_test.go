package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
)

func TestToError(t *testing.T) {
	dangling := &domain.FieldError{Kind: domain.KindPool, Key: "P2", Field: "group", Msg: "no group", Err: domain.ErrNotFound}
	for _, tc := range []struct {
		name   string
		err    error
		status int
		code   string
		msg    string // "" means the error's own text
	}{
		{"not found", fmt.Errorf("get: %w", domain.ErrNotFound), 404, CodeNotFound, ""},
		{"dangling reference", dangling, 422, CodeInvalid, ""},
		{"exists", fmt.Errorf("create: %w", domain.ErrExists), 409, CodeExists, ""},
		{"in use", domain.ErrInUse, 409, CodeInUse, ""},
		{"invalid", &domain.FieldError{Kind: domain.KindLine, Key: "4001", Field: "number", Msg: "bad"}, 422, CodeInvalid, ""},
		{"read only", domain.ErrReadOnly, 403, CodeReadOnly, ""},
		{"unavailable", fmt.Errorf("%w: sqlite x.db", store.ErrUnavailable), 503, CodeUnavailable, ""},
		{"deadline", context.DeadlineExceeded, 503, CodeUnavailable, ""},
		{"bad request", badRequest("request body: EOF"), 400, CodeBadRequest, ""},
		{"wrapped API error", fmt.Errorf("x: %w", badRequest("nope")), 400, CodeBadRequest, "nope"},
		{"no code", errors.New("pq: password authentication failed for user secret"), 500, CodeInternal, internalMessage},
		{"no code with a field", &domain.FieldError{Kind: domain.KindLine, Key: "k", Field: "f", Msg: "secret", Err: errors.New("secret")}, 500, CodeInternal, internalMessage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := toError(tc.err)
			msg := tc.msg
			if msg == "" {
				msg = tc.err.Error()
			}
			if e.Status != tc.status || e.Code != tc.code || e.Message != msg {
				t.Errorf("toError(%v) = %d %s %q, want %d %s %q", tc.err, e.Status, e.Code, e.Message, tc.status, tc.code, msg)
			}
			if e.Code == CodeInternal && (e.Kind != "" || e.Key != "" || e.Field != "") {
				t.Errorf("a 500 names a record: %+v", e)
			}
		})
	}
}

// secret is the text of an error the database driver gives, which must
// never reach a client.
const secret = "pq: password authentication failed for user secret"

// leakyStore fails every read and write with an error that has no stable
// code and secret text.
type leakyStore struct{ store.Store }

func (leakyStore) Get(context.Context, domain.Kind, string) (domain.Entity, error) {
	return nil, fmt.Errorf("load: %s", secret)
}

func (leakyStore) List(context.Context, domain.Kind) ([]domain.Entity, error) {
	return nil, fmt.Errorf("list: %s", secret)
}

func (leakyStore) Put(context.Context, domain.Entity) (bool, error) {
	return false, errors.New(secret)
}

func (leakyStore) DeviceConfig(context.Context, string) (*domain.DeviceConfig, error) {
	return nil, errors.New(secret)
}

// syncBuffer is a log destination the server's goroutines share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestInternalErrorHidden(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var log syncBuffer
	api := &Server{Store: leakyStore{st}, Logger: slog.New(slog.NewTextHandler(&log, nil))}
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/api/v1/devices/SEP001122334455", ""},
		{"GET", "/api/v1/devices", ""},
		{"PUT", "/api/v1/lines/4001", `{"number": "4001"}`},
		{"GET", "/api/v1/devices/SEP001122334455/config", ""},
		{"GET", "/api/v1/export", ""},
		{"GET", "/api/v1/params", ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var got struct{ Error map[string]any }
			if resp.StatusCode != 500 || json.Unmarshal(body, &got) != nil ||
				len(got.Error) != 2 || got.Error["code"] != CodeInternal || got.Error["message"] != internalMessage {
				t.Errorf("%d %s, want 500 {\"error\": {\"code\": %q, \"message\": %q}}", resp.StatusCode, body, CodeInternal, internalMessage)
			}
			for _, leak := range []string{"secret", "password", "pq:"} {
				if bytes.Contains(body, []byte(leak)) {
					t.Errorf("the body gives away %q: %s", leak, body)
				}
			}
			want := fmt.Sprintf("method=%s path=%s status=500 code=internal", tc.method, tc.path)
			if l := log.String(); !strings.Contains(l, want) || !strings.Contains(l, secret) {
				t.Errorf("log lacks %q with the error's text:\n%s", want, l)
			}
		})
	}

	// The client sees the stable code.
	_, err = (&Client{Base: srv.URL}).Get(context.Background(), domain.KindDevice, "SEP001122334455")
	apiErr(t, err, 500, CodeInternal)
	if err == nil || err.Error() != internalMessage {
		t.Errorf("client error %v, want %q", err, internalMessage)
	}
}
