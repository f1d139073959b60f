package custom

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/storetest"
)

func read(t *testing.T, s *Source, name string) (string, error) {
	t.Helper()
	b, err := source.ReadFile(context.Background(), s, name, source.HTTP)
	return string(b), err
}

func TestSource(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := &Source{Store: st}
	storetest.Follow(ctx, st, s)
	if _, err := read(t, s, "RingList.xml"); !errors.Is(err, source.ErrNotFound) {
		t.Fatalf("no custom file yet: %v", err)
	}
	// A file uploaded after a miss is served: the miss was forgotten on the change.
	st.Put(ctx, &domain.CustomFile{Name: "RingList.xml", Data: []byte("v1")})
	waitFor(t, s, "RingList.xml", "v1")
	st.Put(ctx, &domain.CustomFile{Name: "RingList.xml", Data: []byte("v2")})
	waitFor(t, s, "RingList.xml", "v2")
	// Other changes keep the cache.
	st.Put(ctx, &domain.Line{Number: "1"})
	if got, err := read(t, s, "RingList.xml"); err != nil || got != "v2" {
		t.Fatalf("after an unrelated change: %q %v", got, err)
	}
	st.Delete(ctx, domain.KindFile, "RingList.xml")
	deadline := time.Now().Add(2 * time.Second)
	for {
		if _, err := read(t, s, "RingList.xml"); errors.Is(err, source.ErrNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("deleted file still served")
		}
		time.Sleep(5 * time.Millisecond)
	}
	st.Close()
	if _, err := read(t, s, "Other.xml"); !errors.Is(err, source.ErrBusy) {
		t.Errorf("database gone: %v, want busy", err)
	}
}

func waitFor(t *testing.T, s *Source, name, want string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		if got, err := read(t, s, name); err == nil && got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never became %q", name, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
