package render

import (
	"bytes"
	"errors"
	"testing"

	"cmtftp/internal/domain"
)

// TestAppendRender: AppendRender appends exactly Render's bytes after what
// dst holds, for every file of the demo site under each Build CNF Files
// value, whether dst is nil, empty or holds a previous file (the version
// stamp hashes the file alone); on an error dst comes back as it was.
func TestAppendRender(t *testing.T) {
	for _, buildCNF := range []string{"", domain.BuildAll, domain.BuildNone} {
		x := demoUnder(t, buildCNF)
		prefix := []byte("previous file\n")
		for f, err := range SiteFiles(x) {
			if err != nil {
				t.Fatal(err)
			}
			want, err := Render(f.Target, f.Records)
			if err != nil {
				t.Fatal(err)
			}
			for _, dst := range [][]byte{nil, {}, bytes.Clone(prefix), append(make([]byte, 0, 64<<10), prefix...)} {
				got, err := AppendRender(dst, f.Target, f.Records)
				if err != nil || !bytes.Equal(got[len(dst):], want) || !bytes.Equal(got[:len(dst)], dst) {
					t.Errorf("%s %s into %d bytes (cap %d): not Render's bytes after dst (%v)", buildCNF, f.Name(), len(dst), cap(dst), err)
				}
			}
		}
	}
	c, err := demo(t).DeviceConfig("SEP0000DE000002")
	if err != nil {
		t.Fatal(err)
	}
	tgt, _ := Resolve("SEP0000DE000002.cnf") // a 7970 gets no .cnf under Build Selective
	dst := []byte("kept")
	got, err := AppendRender(dst, tgt, Records{Device: c})
	if !errors.Is(err, ErrNotBuilt) || string(got) != "kept" {
		t.Errorf("AppendRender of a file not given: %q %v, want dst and ErrNotBuilt", got, err)
	}
}

// BenchmarkAppendRender renders the 8841's SEP<MAC>.cnf.xml into one
// reused buffer, as cmtftp build does.
func BenchmarkAppendRender(b *testing.B) {
	c, err := demo(b).DeviceConfig("SEP0000DE000006")
	if err != nil {
		b.Fatal(err)
	}
	tgt, _ := Resolve("SEP0000DE000006.cnf.xml")
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		if buf, err = AppendRender(buf[:0], tgt, Records{Device: c}); err != nil {
			b.Fatal(err)
		}
	}
}
