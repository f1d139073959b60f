package alternate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/store/sqlite"
)

func TestLocations(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, b := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(a, "x.bin"), []byte("from a"), 0o644)
	os.WriteFile(filepath.Join(b, "x.bin"), []byte("from b"), 0o644)
	os.WriteFile(filepath.Join(b, "y.bin"), []byte("only b"), 0o644)
	l := &Locations{Store: st}
	l.Start(ctx)
	open := func(name string) (string, error) {
		b, err := source.ReadFile(ctx, l, name, source.TFTP)
		return string(b), err
	}
	if _, err := open("x.bin"); !errors.Is(err, source.ErrNotFound) {
		t.Fatalf("no locations configured: %v", err)
	}
	st.Put(ctx, &domain.Param{Scope: domain.KindService, Name: "AlternateFileLocation2", Value: a})
	st.Put(ctx, &domain.Param{Scope: domain.KindService, Name: "AlternateFileLocation1", Value: b})
	deadline := time.Now().Add(3 * time.Second)
	for len(l.Paths()) != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("locations never picked up: %v", l.Paths())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got, _ := open("x.bin"); got != "from b" {
		t.Errorf("location 1 first: %q", got)
	}
	if got, _ := open("y.bin"); got != "only b" {
		t.Errorf("y.bin: %q", got)
	}
	if _, err := open("../x.bin"); err == nil {
		t.Errorf("path escape accepted")
	}
}
