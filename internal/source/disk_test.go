package source

import (
	"context"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// layout makes base/tftp (the root) with files, and secrets beside it,
// including the sibling-prefix directory base/tftpX.
func layout(t *testing.T) (root string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "tftp")
	write := func(p, s string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "RingList.xml"), "rings")
	write(filepath.Join(root, "SEP001122AABBCC.cnf.xml"), "config")
	write(filepath.Join(root, "English_United_States", "ipc-sccp.jar"), "locale")
	write(filepath.Join(root, "empty.bin"), "")
	write(filepath.Join(base, "secret"), "SECRET")
	write(filepath.Join(base, "tftpX", "secret"), "SECRET")
	must(t, os.Symlink(filepath.Join(base, "secret"), filepath.Join(root, "link-out")))
	must(t, os.Symlink("../secret", filepath.Join(root, "rel-link-out")))
	must(t, os.Symlink(filepath.Join(base, "tftpX"), filepath.Join(root, "dir-link-out")))
	must(t, os.Symlink("RingList.xml", filepath.Join(root, "link-in")))
	must(t, os.Symlink("loop", filepath.Join(root, "loop")))
	return root
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func openName(t *testing.T, d *Disk, name string) (string, error) {
	t.Helper()
	req, err := NewRequest(name, TFTP, netip.MustParseAddrPort("127.0.0.1:5000"), netip.MustParseAddr("127.0.0.1"))
	if err != nil {
		return "", err
	}
	f, err := d.Open(context.Background(), req)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.NewSectionReader(f, 0, f.Size()))
	return string(b), err
}

func TestDiskServes(t *testing.T) {
	d, err := NewDisk(layout(t))
	must(t, err)
	defer d.Close()
	for name, want := range map[string]string{
		"RingList.xml":                       "rings",
		"/RingList.xml":                      "rings",
		`\RingList.xml`:                      "rings",
		"ringlist.XML":                       "rings", // case-insensitive fallback
		"sep001122aabbcc.cnf.xml":            "config",
		`english_united_states\IPC-SCCP.JAR`: "locale",
		"link-in":                            "rings",
		"empty.bin":                          "",
	} {
		got, err := openName(t, d, name)
		if err != nil || got != want {
			t.Errorf("%q: got %q, %v; want %q", name, got, err, want)
		}
	}
}

func TestDiskRefusesEscapes(t *testing.T) {
	d, err := NewDisk(layout(t))
	must(t, err)
	defer d.Close()
	names := []string{
		"../secret", `..\secret`, "../tftpX/secret", "/../secret", "x/../../secret", ".../secret",
		"..../secret", "link-out", "rel-link-out", "dir-link-out/secret", "LINK-OUT", "C:/secret",
		`c:\secret`, "%2e%2e%2fsecret", "%c0%ae%c0%ae/secret", "sec\x00ret", "loop", "missing",
		"English_United_States", "RingList.xml/x", "CON", "NUL",
	}
	for _, name := range names {
		got, err := openName(t, d, name)
		if err == nil {
			t.Errorf("%q: served %q", name, got)
			continue
		}
		if !errors.Is(err, ErrDenied) && !errors.Is(err, ErrNotFound) {
			t.Errorf("%q: error %v is neither denied nor not found", name, err)
		}
	}
	// The symlinks out are refused as denied, not merely missing.
	for _, name := range []string{"link-out", "rel-link-out", "dir-link-out/secret", "../tftpX/secret"} {
		if _, err := openName(t, d, name); !errors.Is(err, ErrDenied) {
			t.Errorf("%q: %v, want ErrDenied", name, err)
		}
	}
}

func TestFirst(t *testing.T) {
	calls := 0
	miss := Func(func(context.Context, *Request) (File, error) { calls++; return nil, ErrNotFound })
	busy := Func(func(context.Context, *Request) (File, error) { calls++; return nil, ErrBusy })
	hit := Func(func(context.Context, *Request) (File, error) {
		calls++
		return NewMemory([]byte("x"), time.Time{}), nil
	})
	req := &Request{Name: "f", Path: "f"}
	ctx := context.Background()

	if f, err := First(miss, hit, busy).Open(ctx, req); err != nil || f.Size() != 1 || calls != 2 {
		t.Fatalf("miss,hit: %v %v calls=%d", f, err, calls)
	}
	calls = 0
	if _, err := First(miss, busy, hit).Open(ctx, req); !errors.Is(err, ErrBusy) || calls != 2 {
		t.Fatalf("busy must stop the chain: %v calls=%d", err, calls)
	}
	if _, err := First().Open(ctx, req); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty chain: %v", err)
	}
}

func TestMemoryReadAt(t *testing.T) {
	m := NewMemory([]byte("hello"), time.Time{})
	buf := make([]byte, 3)
	if n, err := m.ReadAt(buf, 1); n != 3 || err != nil || string(buf) != "ell" {
		t.Fatalf("middle: %d %v %q", n, err, buf)
	}
	if n, err := m.ReadAt(buf, 3); n != 2 || !errors.Is(err, io.EOF) || string(buf[:n]) != "lo" {
		t.Fatalf("tail: %d %v %q", n, err, buf[:n])
	}
	if n, err := m.ReadAt(buf, 5); n != 0 || !errors.Is(err, io.EOF) {
		t.Fatalf("at end: %d %v", n, err)
	}
	if _, err := m.ReadAt(buf, -1); err == nil {
		t.Fatal("negative offset accepted")
	}
	if n, err := m.ReadAt(nil, 5); n != 0 || !errors.Is(err, io.EOF) {
		t.Fatalf("empty read at end: %d %v", n, err)
	}
}

// TestDiskLongNames: a name element longer than the file system allows
// (ENAMETOOLONG) is a file that is not there, never an internal error, so
// TFTP answers "file not found" and HTTP 404 alike.
func TestDiskLongNames(t *testing.T) {
	d, err := NewDisk(layout(t))
	must(t, err)
	defer d.Close()
	long := strings.Repeat("a", 256)
	for _, name := range []string{
		long, long + ".cnf.xml", "English_United_States/" + long, long + "/RingList.xml",
		strings.Repeat("b", 1000), `Communicator\` + long,
	} {
		if got, err := openName(t, d, name); !errors.Is(err, ErrNotFound) {
			t.Errorf("%d-byte name: %q, %v; want ErrNotFound", len(name), got, err)
		}
	}
}

// TestFoldIndex: names asked for in another case are found from a kept
// listing of their directory, which is read again when the directory
// changes (a file added, removed) and not trusted just after a change.
func TestFoldIndex(t *testing.T) {
	dir := t.TempDir()
	write := func(name string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	age := func() { // the directory last changed a while ago: its listing can be trusted
		old := time.Now().Add(-time.Minute)
		os.Chtimes(dir, old, old)
	}
	d, err := NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	found := func(name string) bool {
		f, err := d.Open(context.Background(), &Request{Path: name})
		if err == nil {
			f.Close()
		}
		return err == nil
	}
	write("SEP001122AABBCC.cnf.xml")
	if !found("sep001122aabbcc.cnf.xml") {
		t.Fatal("not found in another case")
	}
	write("RingList.xml") // just after the listing: it must be seen
	if !found("ringlist.xml") {
		t.Fatal("a file added just after the listing was not found")
	}
	age()
	found("missing.xml")
	listed := d.fold.dirs["."].listed
	if found("missing.xml") || d.fold.dirs["."].listed != listed {
		t.Fatal("a trusted listing was read again for a name that is not there")
	}
	os.Remove(filepath.Join(dir, "RingList.xml"))
	time.Sleep(foldCheckEvery) // a trusted listing is checked again after this
	if found("ringlist.xml") {
		t.Fatal("a removed file was found from the old listing")
	}
	write("Dialplan.xml")
	age()
	if !found("DIALPLAN.XML") {
		t.Fatal("a file added before the directory's time was moved back was not found")
	}
}
