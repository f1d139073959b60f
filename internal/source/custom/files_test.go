package custom

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
	"cmtftp/internal/store/postgres"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

// backends open a new, empty store each: a SQLite file, or a database of
// its own on the test PostgreSQL (failing without it).
var backends = []struct {
	name string
	open func(t *testing.T) *sqlstore.DB
}{
	{"sqlite", func(t *testing.T) *sqlstore.DB {
		return must(t)(sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db")))
	}},
	{"postgres", func(t *testing.T) *sqlstore.DB {
		return must(t)(postgres.Open(context.Background(), storetest.NewPostgresDB(t)))
	}},
}

func must(t *testing.T) func(*sqlstore.DB, error) *sqlstore.DB {
	return func(s *sqlstore.DB, err error) *sqlstore.DB {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}

// counting is the real store, counting the files it opens.
type counting struct {
	store.FileStore
	opens atomic.Int64
}

func (c *counting) OpenFile(ctx context.Context, name string) (*domain.CustomFile, io.ReadCloser, error) {
	c.opens.Add(1)
	return c.FileStore.OpenFile(ctx, name)
}

func random(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func put(t *testing.T, st *sqlstore.DB, name string, data []byte) {
	t.Helper()
	if _, _, err := st.PutFile(context.Background(), name, bytes.NewReader(data), ""); err != nil {
		t.Fatal(err)
	}
}

func open(t *testing.T, s *Source, name string) (source.File, error) {
	t.Helper()
	return s.Open(context.Background(), &source.Request{Name: name, Path: name, Protocol: source.HTTP})
}

// TestSharedLoad: concurrent first requests for a file share one load
// and one copy, which later requests get too.
func TestSharedLoad(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st := b.open(t)
			data := random(t, 5*store.FileChunkBytes+3)
			put(t, st, "load.sbn", data)
			c := &counting{FileStore: st}
			s := &Source{Store: c}
			const n = 16
			files := make([]source.File, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					f, err := open(t, s, "load.sbn")
					if err != nil {
						t.Error(err)
					}
					files[i] = f
				})
			}
			wg.Wait()
			for _, f := range files[1:] {
				if f != files[0] {
					t.Fatal("concurrent requests got different copies")
				}
			}
			if !bytes.Equal(files[0].(*source.Memory).Bytes(), data) {
				t.Fatal("the bytes served differ from the file's")
			}
			if f, _ := open(t, s, "load.sbn"); f != files[0] {
				t.Error("a later request got another copy")
			}
			if got := c.opens.Load(); got != 1 {
				t.Errorf("%d loads from the database, want 1", got)
			}
		})
	}
}

// TestCorruptNotServed: bytes changed in the database behind the store's
// back are answered busy and logged, never served; a copy loaded before
// stays served; the chunks repaired, the file is served again.
func TestCorruptNotServed(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st := b.open(t)
			good := random(t, 2*store.FileChunkBytes+10)
			put(t, st, "a.bin", good)
			put(t, st, "b.bin", good)
			var log storetest.LogBuffer
			s := &Source{Store: st, Logger: slog.New(slog.NewTextHandler(&log, nil))}
			if _, err := open(t, s, "a.bin"); err != nil {
				t.Fatal(err)
			}
			if _, err := st.SQL().Exec("UPDATE custom_file_chunks SET data = $1 WHERE idx = 1", random(t, store.FileChunkBytes)); err != nil {
				t.Fatal(err)
			}
			if _, err := open(t, s, "b.bin"); !errors.Is(err, source.ErrBusy) {
				t.Errorf("corrupt chunk: %v, want busy", err)
			}
			if !strings.Contains(log.String(), "level=ERROR") || !strings.Contains(log.String(), "b.bin") {
				t.Errorf("corrupt chunk not logged as an error: %q", log.String())
			}
			if f, err := open(t, s, "a.bin"); err != nil || !bytes.Equal(f.(*source.Memory).Bytes(), good) {
				t.Errorf("the copy loaded before: %v", err)
			}
			if _, err := st.SQL().Exec("UPDATE custom_file_chunks SET data = $1 WHERE idx = 1", good[store.FileChunkBytes:2*store.FileChunkBytes]); err != nil {
				t.Fatal(err)
			}
			if f, err := open(t, s, "b.bin"); err != nil || !bytes.Equal(f.(*source.Memory).Bytes(), good) {
				t.Errorf("repaired: %v", err)
			}
		})
	}
}

// TestBudget: the files kept stay within MaxBytes, the least recently
// used going first, and a change drops the changed file only.
func TestBudget(t *testing.T) {
	st := backends[0].open(t)
	const size = 1 << 20
	for _, n := range []string{"a", "b", "c"} {
		put(t, st, n, random(t, size))
	}
	c := &counting{FileStore: st}
	s := &Source{Store: c, MaxBytes: 2*size + 1024}
	steps := []struct {
		name  string
		loads int64 // loads from the database so far
	}{
		{"a", 1}, {"b", 2}, {"a", 2}, {"c", 3}, // c pushes out b, used least recently
		{"a", 3}, {"b", 4}, {"c", 5},
	}
	for i, step := range steps {
		if _, err := open(t, s, step.name); err != nil {
			t.Fatal(err)
		}
		if got := c.opens.Load(); got != step.loads {
			t.Fatalf("step %d (%s): %d loads, want %d", i, step.name, got, step.loads)
		}
		if _, kept := s.Kept(); kept > s.MaxBytes {
			t.Fatalf("step %d: %d bytes kept, budget %d", i, kept, s.MaxBytes)
		}
	}
	// b and c are kept: a change to b drops b only.
	s.HandleChange(context.Background(), store.Change{Kind: domain.KindFile, Key: "b"})
	open(t, s, "c")
	open(t, s, "b")
	if got := c.opens.Load(); got != 6 {
		t.Errorf("%d loads after a change to b, want 6 (b again, c kept)", got)
	}
	// A miss is remembered until that name changes.
	open(t, s, "missing")
	if _, err := open(t, s, "missing"); !errors.Is(err, source.ErrNotFound) || c.opens.Load() != 7 {
		t.Errorf("miss: %v, %d loads", err, c.opens.Load())
	}
	s.HandleChange(context.Background(), store.Change{Kind: store.KindResync})
	if n, kept := s.Kept(); n != 0 || kept != 0 {
		t.Errorf("after a resync %d kept (%d bytes)", n, kept)
	}
}

func hexSHA(b []byte) string { return source.NewMemory(b, time.Time{}).SHA256() }

// gated is the real store whose first file reader waits for open to be
// closed before its first read.
type gated struct {
	counting
	open    chan struct{}
	started chan struct{}
	once    sync.Once
}

func (g *gated) OpenFile(ctx context.Context, name string) (*domain.CustomFile, io.ReadCloser, error) {
	f, r, err := g.counting.OpenFile(ctx, name)
	first := false
	g.once.Do(func() { first = true })
	if err != nil || !first {
		return f, r, err
	}
	close(g.started)
	return f, &gatedReader{ReadCloser: r, open: g.open}, nil
}

type gatedReader struct {
	io.ReadCloser
	open chan struct{}
}

func (g *gatedReader) Read(p []byte) (int, error) {
	<-g.open
	return g.ReadCloser.Read(p)
}

// TestChangeWhileLoading: a change event that arrives while a file loads
// does not make a second copy when the bytes loaded are still the stored
// ones, and gets the new bytes when they are not.
func TestChangeWhileLoading(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rewrite bool
		loads   int64 // OpenFile calls: the load, the look at the stored SHA-256, a load again
	}{
		{"event trailing the commit the load saw", false, 2},
		{"file changed while loading", true, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := backends[0].open(t)
			v1, v2 := random(t, 2*store.FileChunkBytes), random(t, store.FileChunkBytes)
			put(t, st, "f.bin", v1)
			g := &gated{counting: counting{FileStore: st}, open: make(chan struct{}), started: make(chan struct{})}
			s := &Source{Store: g}
			got := make(chan source.File, 1)
			go func() {
				f, err := open(t, s, "f.bin")
				if err != nil {
					t.Error(err)
				}
				got <- f
			}()
			<-g.started
			want := v1
			if tc.rewrite {
				put(t, st, "f.bin", v2)
				want = v2
			}
			s.HandleChange(context.Background(), store.Change{Kind: domain.KindFile, Key: "f.bin"})
			close(g.open)
			f := <-got
			if f == nil || !bytes.Equal(f.(*source.Memory).Bytes(), want) {
				t.Fatal("served the wrong bytes")
			}
			if again, _ := open(t, s, "f.bin"); again != f {
				t.Error("the next request got another copy")
			}
			if n := g.opens.Load(); n != tc.loads {
				t.Errorf("%d OpenFile calls, want %d", n, tc.loads)
			}
		})
	}
}

// TestChangeBeforeFinish: a change event that lands after a load last
// looked for one (takeChanged) but before it ends (finish) is not lost:
// the answer goes to the request waiting, and is not kept.
func TestChangeBeforeFinish(t *testing.T) {
	st := backends[0].open(t)
	put(t, st, "f.bin", []byte("v1"))
	s := &Source{Store: st}
	e := &entry{name: "f.bin", done: make(chan struct{})}
	s.files = map[string]*entry{"f.bin": e}
	file, err := s.fetch(context.Background(), "f.bin")
	if err != nil || s.takeChanged(e) {
		t.Fatal(file, err)
	}
	put(t, st, "f.bin", []byte("v2"))
	s.HandleChange(context.Background(), store.Change{Kind: domain.KindFile, Key: "f.bin", Op: store.OpUpdate})
	s.finish(e, file, nil)
	if e.file != file {
		t.Error("the waiting request lost its answer")
	}
	f, err := open(t, s, "f.bin")
	if err != nil || string(f.(*source.Memory).Bytes()) != "v2" {
		t.Errorf("after the change: %v %v, want v2", f, err)
	}
}
