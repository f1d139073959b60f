package httpd

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/source"
)

func chain(files map[string]string) source.Source {
	return source.Func(func(ctx context.Context, req *source.Request) (source.File, error) {
		switch req.Path {
		case "busy.xml":
			return nil, source.ErrBusy
		}
		if s, ok := files[req.Path]; ok {
			return source.NewMemory([]byte(s), time.Unix(1700000000, 0)), nil
		}
		return nil, source.ErrNotFound
	})
}

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(&Handler{Source: chain(map[string]string{"SEP001122334455.cnf.xml": "<device>0123456789</device>"})})
	defer srv.Close()
	get := func(method, path string, hdr ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	resp, body := get("GET", "/SEP001122334455.cnf.xml")
	if resp.StatusCode != 200 || body != "<device>0123456789</device>" || !strings.HasPrefix(resp.Header.Get("ETag"), `"`) || len(resp.Header.Get("ETag")) != 66 {
		t.Fatalf("GET: %d %q etag %q", resp.StatusCode, body, resp.Header.Get("ETag"))
	}
	tag := resp.Header.Get("ETag")
	if resp, _ := get("GET", "/SEP001122334455.cnf.xml", "If-None-Match", tag); resp.StatusCode != 304 {
		t.Errorf("conditional GET: %d, want 304", resp.StatusCode)
	}
	if resp, body := get("GET", "/SEP001122334455.cnf.xml", "Range", "bytes=8-17"); resp.StatusCode != 206 || body != "0123456789" {
		t.Errorf("range: %d %q", resp.StatusCode, body)
	}
	if resp, body := get("HEAD", "/SEP001122334455.cnf.xml"); resp.StatusCode != 200 || body != "" || resp.ContentLength != 27 {
		t.Errorf("HEAD: %d %q %d", resp.StatusCode, body, resp.ContentLength)
	}
	if resp, _ := get("GET", "/missing.xml"); resp.StatusCode != 404 {
		t.Errorf("missing: %d", resp.StatusCode)
	}
	if resp, _ := get("GET", "/busy.xml"); resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("busy: %d retry-after %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	for _, p := range []string{"/%2e%2e/etc/passwd", "/%2E%2E%2Fetc", "/a/%00b", "/a%5c..%5cb", "/C:/x"} {
		if resp, _ := get("GET", p); resp.StatusCode != 403 {
			t.Errorf("GET %s: %d, want 403", p, resp.StatusCode)
		}
	}
	if resp, _ := get("PUT", "/SEP001122334455.cnf.xml"); resp.StatusCode != 405 {
		t.Errorf("PUT: %d, want 405", resp.StatusCode)
	}
}

func TestSlotsAndResults(t *testing.T) {
	slots := source.NewSlots(1)
	var results []Result
	var mu sync.Mutex
	h := &Handler{Source: chain(map[string]string{"a.xml": "abc"}), Slots: slots, OnDone: func(r Result) {
		mu.Lock()
		results = append(results, r)
		mu.Unlock()
	}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	slots.Acquire() // TFTP holds the only slot
	resp, err := http.Get(srv.URL + "/a.xml")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("no free slot: %d", resp.StatusCode)
	}
	slots.Release()
	resp, _ = http.Get(srv.URL + "/a.xml")
	io.ReadAll(resp.Body)
	resp.Body.Close()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		mu.Lock()
		n := len(results)
		mu.Unlock()
		if n == 2 {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(results) != 2 || results[0].Status != 503 || results[1].Status != 200 || results[1].Bytes != 3 || results[1].Name != "a.xml" || results[1].FromDisk {
		t.Errorf("results: %+v", results)
	}
	if slots.InUse() != 0 {
		t.Errorf("slot not given back")
	}
}
