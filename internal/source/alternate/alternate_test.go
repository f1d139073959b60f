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
	"cmtftp/internal/store/storetest"
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
	storetest.Follow(ctx, st, l)
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

// TestLaterLocations serves files that exist only in Alternate File
// Location 2 or only in 10, behind locations that lack them (a wrapped
// "not found" from one location once stopped the search).
func TestLaterLocations(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dirs := map[string]string{}
	for _, n := range []string{"1", "2", "5", "10"} {
		dirs[n] = t.TempDir()
		if _, err := st.Put(ctx, &domain.Param{Scope: domain.KindService, Name: "AlternateFileLocation" + n, Value: dirs[n]}); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dirs["2"], "only2.bin"), []byte("from 2"), 0o644)
	os.WriteFile(filepath.Join(dirs["10"], "only10.bin"), []byte("from 10"), 0o644)
	l := &Locations{Store: st}
	l.Refresh(ctx)
	for _, tc := range []struct{ name, want string }{{"only2.bin", "from 2"}, {"only10.bin", "from 10"}} {
		got, err := source.ReadFile(ctx, l, tc.name, source.TFTP)
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	if _, err := source.ReadFile(ctx, l, "nowhere.bin", source.TFTP); !errors.Is(err, source.ErrNotFound) {
		t.Errorf("nowhere.bin: %v, want not found", err)
	}
}
