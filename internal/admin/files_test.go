package admin

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/postgres"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

// fileBackends open a new, empty store each: SQLite, and a database of its
// own on the test PostgreSQL (failing without it).
var fileBackends = []struct {
	name string
	open func(t *testing.T) (*sqlstore.DB, error)
}{
	{"sqlite", func(t *testing.T) (*sqlstore.DB, error) {
		return sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"))
	}},
	{"postgres", func(t *testing.T) (*sqlstore.DB, error) {
		return postgres.Open(context.Background(), storetest.NewPostgresDB(t))
	}},
}

// fileAPI serves the admin API on st, with PUT /small/NAME taking raw
// uploads of at most limit bytes.
func fileAPI(t *testing.T, st *sqlstore.DB, limit int64) (*Client, string) {
	t.Helper()
	s := &Server{Store: st}
	mux := http.NewServeMux()
	mux.Handle("/", s.Handler())
	mux.Handle("PUT /small/{name...}", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return s.putFile(w, r, r.PathValue("name"), limit)
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &Client{Base: srv.URL}, srv.URL
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestFileUploadDownload: a raw upload streams into the store under its
// SHA-256; a wrong SHA-256, a body past the limit (declared or not) store
// nothing; the download streams back the same bytes, and one whose stored
// bytes were changed behind the store's back is cut off.
func TestFileUploadDownload(t *testing.T) {
	for _, b := range fileBackends {
		t.Run(b.name, func(t *testing.T) {
			st, err := b.open(t)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			ctx := context.Background()
			c, base := fileAPI(t, st, 4<<20)
			v1 := make([]byte, 3*store.FileChunkBytes+17)
			rand.Read(v1)
			f, changed, err := c.PutFile(ctx, "loads/v1.sbn", bytes.NewReader(v1), int64(len(v1)), sum(v1))
			if err != nil || !changed || f.SHA256 != sum(v1) || f.Size != int64(len(v1)) {
				t.Fatalf("put: %+v %v %v", f, changed, err)
			}
			var got bytes.Buffer
			if s, n, err := c.GetFile(ctx, "loads/v1.sbn", &got); err != nil || s != sum(v1) || n != int64(len(v1)) || !bytes.Equal(got.Bytes(), v1) {
				t.Fatalf("get: %s %d %v", s, n, err)
			}
			last, _ := st.LastChange(ctx)
			v2 := []byte("other bytes")
			_, _, err = c.PutFile(ctx, "loads/v1.sbn", bytes.NewReader(v2), int64(len(v2)), sum(v1))
			apiErr(t, err, 422, CodeInvalid)
			// RFC 9530's header, chunked: checked the same.
			req, _ := http.NewRequest(http.MethodPut, base+"/api/v1/files/loads/v1.sbn", io.MultiReader(bytes.NewReader(v2)))
			d := sha256.Sum256(v1)
			req.Header.Set("Content-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(d[:])+":")
			if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 422 {
				t.Errorf("Content-Digest of other bytes: %v %v", resp.Status, err)
			}
			// Past the limit: declared (refused before it is read), or
			// chunked (refused once the limit is passed).
			big := make([]byte, 5<<20)
			small := &Client{Base: base + "/small", HTTP: http.DefaultClient}
			_, _, err = small.PutFile(ctx, "v1.sbn", bytes.NewReader(big), int64(len(big)), "") // PUT /small/api/v1/files/v1.sbn: refused on its Content-Length
			if err == nil {
				t.Error("declared past the limit: stored")
			}
			for _, r := range []io.Reader{bytes.NewReader(big), io.MultiReader(bytes.NewReader(big))} { // declared, chunked
				req, _ = http.NewRequest(http.MethodPut, base+"/small/loads/v1.sbn", r)
				resp, err := http.DefaultClient.Do(req)
				if err != nil || resp.StatusCode != 413 {
					t.Errorf("past the limit (length %d): %v %v", req.ContentLength, resp.Status, err)
				}
			}
			_, _, err = c.PutFile(ctx, "loads/new.sbn", bytes.NewReader(big), -1, "")
			if err != nil {
				t.Errorf("5 MiB through the real route: %v", err) // MaxFileUpload is far above
			}
			if now, _ := st.LastChange(ctx); now != last+1 {
				t.Errorf("%d changes after the refused uploads and one new file, want 1", now-last)
			}
			if f, err := store.Get[*domain.CustomFile](ctx, st, "loads/v1.sbn"); err != nil || f.SHA256 != sum(v1) {
				t.Errorf("after refused uploads: %v %v", f.SHA256, err)
			}
			// Corrupted behind the store's back: the download is cut off.
			if _, err := st.SQL().Exec("UPDATE custom_file_chunks SET data = $1 WHERE file = 'loads/v1.sbn' AND idx = 3", []byte("x")); err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.GetFile(ctx, "loads/v1.sbn", io.Discard); err == nil {
				t.Error("a corrupt file downloaded without an error")
			}
			// A JSON record still works (small files).
			if _, err := c.Put(ctx, &domain.CustomFile{Name: "small.txt", Data: []byte("hi")}); err != nil {
				t.Fatal(err)
			}
			got.Reset()
			if _, _, err := c.GetFile(ctx, "small.txt", &got); err != nil || got.String() != "hi" {
				t.Errorf("small file: %q %v", got.String(), err)
			}
		})
	}
}
