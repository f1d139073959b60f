package cache

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cmtftp/internal/source"
)

func get(t *testing.T, d *Dir, name string) (string, error) {
	t.Helper()
	b, err := source.ReadFile(context.Background(), d, name, source.TFTP)
	return string(b), err
}

func eventually(t *testing.T, d *Dir, name, want string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		got, err := get(t, d, name)
		if want == "" && errors.Is(err, source.ErrNotFound) || err == nil && got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %q, %v; want %q", name, got, err, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDir(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "English_United_States"), 0o755)
	os.WriteFile(filepath.Join(root, "RingList.xml"), []byte("v1"), 0o644)
	os.WriteFile(filepath.Join(root, "English_United_States", "locale.xml"), []byte("en"), 0o644)
	os.WriteFile(filepath.Join(root, "big.loads"), make([]byte, 2048), 0o644)
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("no"), 0o644)
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "escape"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := &Dir{Root: root, MaxFile: 1024}
	if err := d.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if n, size := d.Files(); n != 2 || size != 4 {
		t.Errorf("cached %d files, %d bytes; want 2 and 4 (big.loads over MaxFile, the symlink not followed)", n, size)
	}
	if got, err := get(t, d, "ringlist.XML"); err != nil || got != "v1" {
		t.Errorf("case-folded lookup: %q %v", got, err)
	}
	if _, err := get(t, d, "escape"); !errors.Is(err, source.ErrNotFound) {
		t.Errorf("symlink out of the root: %v", err)
	}

	// Replaced atomically (rename into place): new bytes, no restart.
	tmp := filepath.Join(root, ".RingList.xml.tmp")
	os.WriteFile(tmp, []byte("v2"), 0o644)
	os.Rename(tmp, filepath.Join(root, "RingList.xml"))
	eventually(t, d, "RingList.xml", "v2")

	// Written in place, slowly: the old bytes stay until the writer is quiet.
	f, _ := os.OpenFile(filepath.Join(root, "RingList.xml"), os.O_WRONLY|os.O_TRUNC, 0)
	f.Write([]byte("v3-part"))
	time.Sleep(Settle / 3)
	if got, _ := get(t, d, "RingList.xml"); got != "v2" {
		t.Errorf("half-written file served: %q", got)
	}
	f.Write([]byte("-done"))
	f.Close()
	eventually(t, d, "RingList.xml", "v3-part-done")

	// New directories and files are picked up; removed files go.
	os.MkdirAll(filepath.Join(root, "Desktops", "320x212x16"), 0o755)
	os.WriteFile(filepath.Join(root, "Desktops", "320x212x16", "List.xml"), []byte("bg"), 0o644)
	eventually(t, d, "Desktops/320x212x16/List.xml", "bg")
	os.Remove(filepath.Join(root, "English_United_States", "locale.xml"))
	eventually(t, d, "English_United_States/locale.xml", "")
}
