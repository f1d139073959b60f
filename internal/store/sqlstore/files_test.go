package sqlstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlstore"
)

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// count runs a SELECT count(*) (with ? placeholders written as $1 for
// both backends: one argument at most).
func count(t *testing.T, s *sqlstore.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if len(args) > 0 {
		q += " WHERE file = $1"
	}
	if err := s.SQL().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func fileChanges(t *testing.T, s *sqlstore.DB) int {
	return count(t, s, "SELECT count(*) FROM changes WHERE kind = 'file'")
}

// readFile reads a stored file through OpenFile.
func readFile(t *testing.T, s *sqlstore.DB, name string) ([]byte, error) {
	t.Helper()
	_, r, err := s.OpenFile(context.Background(), name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// failingReader gives n bytes, then err.
type failingReader struct {
	n   int
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, f.err
	}
	k := min(len(p), f.n)
	clear(p[:k])
	f.n -= k
	return k, nil
}

// TestPutFileStreams: a file put as a stream is stored in chunks, read
// back by OpenFile and Get, logged once per change, and left alone by a
// put whose SHA-256 is wrong or whose stream fails.
func TestPutFileStreams(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, b.make(t))
			v1 := randomBytes(t, 3*store.FileChunkBytes+12345)
			f, changed, err := s.PutFile(ctx, "loads/big.sbn", bytes.NewReader(v1), hexSum(v1))
			if err != nil || !changed || f.Size != int64(len(v1)) || f.SHA256 != hexSum(v1) {
				t.Fatalf("PutFile: %+v %v %v", f, changed, err)
			}
			if n := count(t, s, "SELECT count(*) FROM custom_file_chunks", "loads/big.sbn"); n != 4 {
				t.Errorf("%d chunks, want 4", n)
			}
			if n := fileChanges(t, s); n != 1 {
				t.Errorf("%d change events after the first put, want 1", n)
			}
			if got, err := readFile(t, s, "loads/big.sbn"); err != nil || !bytes.Equal(got, v1) {
				t.Fatalf("OpenFile: %d bytes, %v", len(got), err)
			}
			g, err := store.Get[*domain.CustomFile](ctx, s, "loads/big.sbn")
			if err != nil || !bytes.Equal(g.Data, v1) || g.SHA256 != f.SHA256 {
				t.Fatalf("Get: %d bytes %v", len(g.Data), err)
			}
			// The same bytes again: unchanged, no event.
			if _, changed, err := s.PutFile(ctx, "loads/big.sbn", bytes.NewReader(v1), ""); err != nil || changed {
				t.Errorf("same bytes: changed %v, %v", changed, err)
			}
			// A wrong SHA-256 and a failing stream write nothing.
			v2 := randomBytes(t, store.FileChunkBytes/2)
			_, _, err = s.PutFile(ctx, "loads/big.sbn", bytes.NewReader(v2), hexSum(v1))
			var fe *domain.FieldError
			if !errors.As(err, &fe) || fe.Field != "sha256" || !errors.Is(err, domain.ErrInvalid) {
				t.Errorf("wrong SHA-256: %v", err)
			}
			boom := errors.New("boom")
			if _, _, err := s.PutFile(ctx, "loads/big.sbn", &failingReader{n: 2*store.FileChunkBytes + 7, err: boom}, ""); !errors.Is(err, boom) {
				t.Errorf("failing stream: %v", err)
			}
			if _, _, err := s.PutFile(ctx, "loads/new.sbn", &failingReader{n: 10, err: boom}, ""); !errors.Is(err, boom) {
				t.Errorf("failing stream of a new file: %v", err)
			}
			if got, err := readFile(t, s, "loads/big.sbn"); err != nil || !bytes.Equal(got, v1) {
				t.Errorf("after refused puts: %d bytes, %v", len(got), err)
			}
			if _, err := s.Get(ctx, domain.KindFile, "loads/new.sbn"); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("a new file whose stream failed: %v, want not found", err)
			}
			if n := fileChanges(t, s); n != 1 {
				t.Errorf("%d change events after refused puts, want 1", n)
			}
			// New bytes: one update event, fewer chunks.
			if _, changed, err := s.PutFile(ctx, "loads/big.sbn", bytes.NewReader(v2), ""); err != nil || !changed {
				t.Fatalf("new bytes: %v %v", changed, err)
			}
			if n := count(t, s, "SELECT count(*) FROM custom_file_chunks", "loads/big.sbn"); n != 1 {
				t.Errorf("%d chunks after a smaller put, want 1", n)
			}
			if n := fileChanges(t, s); n != 2 {
				t.Errorf("%d change events after a second version, want 2", n)
			}
			if err := s.Delete(ctx, domain.KindFile, "loads/big.sbn"); err != nil {
				t.Fatal(err)
			}
			if n := count(t, s, "SELECT count(*) FROM custom_file_chunks"); n != 0 {
				t.Errorf("%d chunks left after the delete", n)
			}
		})
	}
}

// TestFileCorruptChunk: bytes changed in the database behind the store's
// back are never returned as the file.
func TestFileCorruptChunk(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, b.make(t))
			data := randomBytes(t, 2*store.FileChunkBytes+100)
			if _, _, err := s.PutFile(ctx, "x.bin", bytes.NewReader(data), ""); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				q    string
				args []any
			}{
				{"UPDATE custom_file_chunks SET data = $1 WHERE file = 'x.bin' AND idx = 1", []any{randomBytes(t, store.FileChunkBytes)}}, // other bytes
				{"DELETE FROM custom_file_chunks WHERE file = 'x.bin' AND idx = 2", nil},                                                  // short
			} {
				q := c.q
				if _, err := s.SQL().Exec(q, c.args...); err != nil {
					t.Fatal(err)
				}
				got, err := readFile(t, s, "x.bin")
				if !errors.Is(err, store.ErrCorrupt) {
					t.Errorf("%s: OpenFile read %v, want ErrCorrupt", q, err)
				}
				if len(got) > len(data)-100 { // the last chunk must not go out: the reader would have the file's length
					t.Errorf("%s: %d of %d bytes read before the error", q, len(got), len(data))
				}
				if _, err := s.Get(ctx, domain.KindFile, "x.bin"); !errors.Is(err, store.ErrCorrupt) {
					t.Errorf("%s: Get %v, want ErrCorrupt", q, err)
				}
			}
		})
	}
}

// TestFileInlineRecords: files put whole (the API's JSON, a site document)
// are chunked too, and applying the same document again changes nothing.
func TestFileInlineRecords(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, b.make(t))
			big := randomBytes(t, store.FileChunkBytes+1)
			site := &domain.Site{Files: []*domain.CustomFile{{Name: "a.txt", Data: []byte("hello")}, {Name: "b.bin", Data: big}, {Name: "empty"}}}
			if res, err := s.Apply(ctx, site); err != nil || res.Created != 3 {
				t.Fatalf("apply: %+v %v", res, err)
			}
			site = &domain.Site{Files: []*domain.CustomFile{{Name: "a.txt", Data: []byte("hello")}, {Name: "b.bin", Data: big}, {Name: "empty"}}}
			if res, err := s.Apply(ctx, site); err != nil || res.Unchanged != 3 {
				t.Fatalf("apply again: %+v %v", res, err)
			}
			if n := count(t, s, "SELECT count(*) FROM custom_file_chunks"); n != 3 {
				t.Errorf("%d chunks, want 3 (1 + 2 + 0)", n)
			}
			for name, want := range map[string][]byte{"a.txt": []byte("hello"), "b.bin": big, "empty": {}} {
				if got, err := readFile(t, s, name); err != nil || !bytes.Equal(got, want) {
					t.Errorf("%s: %d bytes, %v", name, len(got), err)
				}
			}
			if _, err := s.Put(ctx, &domain.CustomFile{Name: "a.txt", Data: []byte("hello, world")}); err != nil {
				t.Fatal(err)
			}
			if got, err := store.Get[*domain.CustomFile](ctx, s, "a.txt"); err != nil || string(got.Data) != "hello, world" {
				t.Errorf("after Put: %q %v", got.Data, err)
			}
			if n := fileChanges(t, s); n != 4 {
				t.Errorf("%d change events, want 4 (three inserts, one update)", n)
			}
		})
	}
}

// zeros reads zero bytes forever.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestFileBeyondInline: Get returns a file larger than
// store.InlineFileBytes without its bytes; OpenFile streams them.
func TestFileBeyondInline(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, b.make(t))
			const size = store.InlineFileBytes + 1
			if _, _, err := s.PutFile(ctx, "huge.bin", io.LimitReader(zeros{}, size), ""); err != nil {
				t.Fatal(err)
			}
			f, err := store.Get[*domain.CustomFile](ctx, s, "huge.bin")
			if err != nil || f.Data != nil || f.Size != size {
				t.Fatalf("Get: %d bytes of data, size %d, %v", len(f.Data), f.Size, err)
			}
			_, r, err := s.OpenFile(ctx, "huge.bin")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if n, err := io.Copy(io.Discard, r); err != nil || n != size {
				t.Errorf("OpenFile: %d bytes, %v", n, err)
			}
			// What an export writes of it (size and SHA-256, no bytes) applies
			// back here unchanged, and is refused where the bytes are not stored.
			if res, err := s.Apply(ctx, &domain.Site{Files: []*domain.CustomFile{f}}); err != nil || res.Unchanged != 1 {
				t.Errorf("apply its reference back: %+v %v", res, err)
			}
			if got, err := readFileSize(ctx, s, "huge.bin"); err != nil || got != size {
				t.Errorf("after applying its reference: %d bytes, %v", got, err)
			}
			other := openStore(t, b.make(t))
			if _, err := other.Apply(ctx, &domain.Site{Files: []*domain.CustomFile{f}}); !errors.Is(err, domain.ErrInvalid) {
				t.Errorf("apply the reference where the bytes are not stored: %v, want ErrInvalid", err)
			}
			if _, err := store.Get[*domain.CustomFile](ctx, other, "huge.bin"); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("after the refused apply: %v, want not found", err)
			}
		})
	}
}

// readFileSize streams name's bytes through OpenFile and counts them.
func readFileSize(ctx context.Context, s *sqlstore.DB, name string) (int64, error) {
	_, r, err := s.OpenFile(ctx, name)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	return io.Copy(io.Discard, r)
}

// TestFileReference: a file given by size and SHA-256 without its bytes
// (CustomFile.IsReference) applies only where those bytes are stored;
// one naming other bytes, or a malformed SHA-256, is refused and stores
// nothing.
func TestFileReference(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, b.make(t))
			if _, _, err := s.PutFile(ctx, "ring.raw", bytes.NewReader([]byte("abc")), ""); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				name, sha string
				size      int64
				ok        bool
			}{
				{"ring.raw", hexSum([]byte("abc")), 3, true},
				{"ring.raw", strings.ToUpper(hexSum([]byte("abc"))), 3, true},
				{"ring.raw", hexSum([]byte("abd")), 3, false},
				{"ring.raw", hexSum([]byte("abc")), 4, false},
				{"ring.raw", "abc", 3, false},
				{"new.raw", hexSum([]byte("abc")), 3, false},
			} {
				ref := &domain.CustomFile{Name: tc.name, Size: tc.size, SHA256: tc.sha}
				res, err := s.Apply(ctx, &domain.Site{Files: []*domain.CustomFile{ref}})
				if tc.ok != (err == nil) || err != nil && !errors.Is(err, domain.ErrInvalid) || tc.ok && res.Unchanged != 1 {
					t.Errorf("%+v: %+v %v", tc, res, err)
				}
			}
			if got, err := readFile(t, s, "ring.raw"); err != nil || string(got) != "abc" {
				t.Errorf("ring.raw after: %q %v", got, err)
			}
			if _, err := store.Get[*domain.CustomFile](ctx, s, "new.raw"); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("new.raw: %v, want not found", err)
			}
		})
	}
}

// TestPutFileBrokenBody: an upload whose body breaks off mid-way (net/http
// says io.ErrUnexpectedEOF) stores nothing, rather than a shorter file.
func TestPutFileBrokenBody(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, b.make(t))
			if _, _, err := s.PutFile(ctx, "cut.bin", &failingReader{n: 1_500_000, err: io.ErrUnexpectedEOF}, ""); !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("PutFile: %v, want io.ErrUnexpectedEOF", err)
			}
			if _, err := store.Get[*domain.CustomFile](ctx, s, "cut.bin"); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("after the broken upload: %v, want not found", err)
			}
		})
	}
}

// TestPutFileHoldsNoLock: while an upload is still coming, other writes go
// through (on SQLite a write transaction held for the upload would stop
// them until busy_timeout, then fail); the upload then stores its bytes.
func TestPutFileHoldsNoLock(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, b.make(t))
			pr, pw := io.Pipe()
			done := make(chan error, 1)
			go func() {
				_, _, err := s.PutFile(ctx, "slow.bin", pr, "")
				done <- err
			}()
			data := randomBytes(t, store.FileChunkBytes+10)
			if _, err := pw.Write(data[:store.FileChunkBytes]); err != nil { // a chunk's worth is in
				t.Fatal(err)
			}
			if _, err := s.Put(ctx, &domain.CustomFile{Name: "other.txt", Data: []byte("meanwhile")}); err != nil {
				t.Errorf("a write while the upload comes: %v", err)
			}
			pw.Write(data[store.FileChunkBytes:])
			pw.Close()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if got, err := readFile(t, s, "slow.bin"); err != nil || !bytes.Equal(got, data) {
				t.Errorf("slow.bin: %d bytes, %v", len(got), err)
			}
		})
	}
}

// TestPutFileConcurrent: uploads of one name at once all succeed, one
// after the other, and the file is one of them whole.
func TestPutFileConcurrent(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, b.make(t))
			const n = 4
			bodies := make([][]byte, n)
			errs := make(chan error, n)
			for i := range n {
				bodies[i] = randomBytes(t, store.FileChunkBytes+i+1)
			}
			for i := range n {
				go func() {
					_, _, err := s.PutFile(ctx, "same.bin", bytes.NewReader(bodies[i]), "")
					errs <- err
				}()
			}
			for range n {
				if err := <-errs; err != nil {
					t.Errorf("PutFile: %v", err)
				}
			}
			got, err := readFile(t, s, "same.bin")
			if err != nil || !slicesContainsBytes(bodies, got) {
				t.Errorf("same.bin: %d bytes, %v; want one upload whole", len(got), err)
			}
		})
	}
}

func slicesContainsBytes(all [][]byte, b []byte) bool {
	for _, x := range all {
		if bytes.Equal(x, b) {
			return true
		}
	}
	return false
}
