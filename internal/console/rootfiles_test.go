package console

import (
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

func TestRootFiles(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(outside, []byte("no"), 0o644)
	os.MkdirAll(filepath.Join(root, "Desktops"), 0o755)
	os.WriteFile(filepath.Join(root, "RingList.xml"), []byte("<CiscoIPPhoneRingList/>"), 0o644)
	os.WriteFile(filepath.Join(root, "Desktops", "bg.png"), []byte{1, 2, 3}, 0o644)
	os.Symlink(outside, filepath.Join(root, "link"))
	cached := func(p string) bool { return p == "RingList.xml" }
	files, more, err := rootFiles(root, cached)
	if err != nil || more || len(files) != 2 {
		t.Fatalf("files %+v more %v err %v", files, more, err)
	}
	if files[0].Name != "Desktops/bg.png" || files[0].Size != 3 || files[0].Cached ||
		files[1].Name != "RingList.xml" || files[1].Size != 23 || !files[1].Cached {
		t.Errorf("files: %+v", files)
	}
	for i := range maxRootFiles {
		os.WriteFile(filepath.Join(root, fmt.Sprintf("f%03d", i)), nil, 0o644)
	}
	if files, more, _ := rootFiles(root, nil); len(files) != maxRootFiles || !more {
		t.Errorf("past the bound: %d files, more %v", len(files), more)
	}
	if _, _, err := rootFiles(filepath.Join(root, "nope"), nil); err == nil {
		t.Errorf("a missing root is not an error")
	}

	f := newFixture(t, "")
	f.con.cfg.Root = root
	f.con.cfg.Cached = cached
	_, body := f.get(t, "/ui/files")
	if !strings.Contains(body, `<td>RingList.xml</td><td>23 B</td>`) || !strings.Contains(body, `<td class="cached">in memory</td>`) ||
		!strings.Contains(body, "The first 500 files are listed.") {
		t.Errorf("files page without the root's files:\n%s", body)
	}
}

func FuzzNameInPath(f *testing.F) {
	for _, s := range []string{"RingList.xml", "Desktops/80x53x1/bg.png", "../x", "a/./b", "a%2F..", "a?b#c", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		p, err := nameInPath("/api/v1/files/", name)
		if err != nil {
			return
		}
		u, perr := url.Parse(p)
		if perr != nil {
			t.Fatalf("nameInPath(%q) = %q: not a URL path: %v", name, p, perr)
		}
		if u.Path != "/api/v1/files/"+name || u.RawQuery != "" || u.Fragment != "" || path.Clean(u.Path) != u.Path {
			t.Errorf("nameInPath(%q) = %q names %q (query %q)", name, p, u.Path, u.RawQuery)
		}
	})
}
