package sitebuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/render"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
)

// TestBuildMatchesRender: the streamed build writes exactly the files, and
// the bytes, that rendering the whole site held in memory gives
// (render.SiteFiles over a domain.Index, what build did before it
// streamed): on the demo site, with Build All and extension-mobility
// logins (a profile's lines instead of the device's), and with thousands
// of devices, several batches, some sharing a line.
func TestBuildMatchesRender(t *testing.T) {
	for _, tc := range []struct {
		name    string
		site    func() *domain.Site
		devices int
	}{
		{"demo", domain.DemoSite, 7},
		{"build all, logins", func() *domain.Site {
			s := domain.DemoSite()
			s.Service = append(s.Service, &domain.Param{Scope: domain.KindService, Name: domain.ParamBuildCNFFiles, Value: domain.BuildAll})
			s.Logins = []*domain.Login{{Device: "SEP0000DE000006", Profile: "grace-em"}, {Device: "SEP0000DE000002", Profile: "ada-em"}}
			return s
		}, 7},
		{"3000 devices", func() *domain.Site { return manyDevices(3000) }, 3007},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := buildStore(t, tc.site())
			out := filepath.Join(t.TempDir(), "out")
			n, err := Build(context.Background(), st, out, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := renderAll(t, st)
			if n.Devices != tc.devices || n.Files != len(want) {
				t.Errorf("built %d files for %d devices, want %d for %d", n.Files, n.Devices, len(want), tc.devices)
			}
			got := readTree(t, out)
			for name, b := range want {
				if !bytes.Equal(got[name], b) {
					t.Errorf("%s: built %d bytes, rendered %d, not the same", name, len(got[name]), len(b))
				}
			}
			for name := range got {
				if _, ok := want[name]; !ok {
					t.Errorf("%s built, not rendered", name)
				}
			}
		})
	}
}

// TestBuildMissingLine: a device whose line is not in the database fails
// the build, as the store's DeviceConfig would, and leaves no directory.
func TestBuildMissingLine(t *testing.T) {
	st := buildStore(t, manyDevices(1500))
	// Plain SQL, as any writer may: the store's own writes would refuse it.
	db := st.SQL()
	if _, err := db.Exec("PRAGMA foreign_keys = OFF"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DELETE FROM lines WHERE number = '51200'"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, err := Build(context.Background(), st, filepath.Join(dir, "out"), nil)
	if !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("build with a missing line: %v, want domain.ErrNotFound", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestLineTable: every field of a line survives the packing (a field added
// to domain.Line and not to lineTable fails here), lookups find exactly the
// lines added, in whatever order they came.
func TestLineTable(t *testing.T) {
	var lines []*domain.Line
	for i := range 50 {
		l := &domain.Line{}
		v := reflect.ValueOf(l).Elem()
		for f := range v.NumField() {
			switch fv := v.Field(f); fv.Kind() {
			case reflect.String:
				fv.SetString(fmt.Sprintf("%s-%03d", v.Type().Field(f).Name, (i*7)%50))
			case reflect.Int:
				fv.SetInt(int64(i*100 + f - 2500))
			default:
				t.Fatalf("domain.Line.%s is a %s: teach lineTable to pack it", v.Type().Field(f).Name, fv.Kind())
			}
		}
		lines = append(lines, l)
	}
	lines = append(lines, &domain.Line{Number: "é-unicode", DisplayName: "Ünïcode <&>"}, &domain.Line{Number: "0"})
	// Enough lines for several chunks, and one longer than a chunk.
	for i := range 100_000 {
		lines = append(lines, &domain.Line{Number: fmt.Sprint(10_000_000 + i), DisplayName: fmt.Sprint("User ", i), MaxCalls: 2})
	}
	lines = append(lines, &domain.Line{Number: "long", DisplayName: strings.Repeat("x", 3<<chunkBits)}, &domain.Line{Number: "after-long"})
	var tab lineTable
	for _, l := range lines {
		if err := tab.add(l); err != nil {
			t.Fatal(err)
		}
	}
	tab.index()
	if tab.len() != len(lines) || len(tab.chunks) < 4 {
		t.Errorf("len %d in %d chunks, want %d in several", tab.len(), len(tab.chunks), len(lines))
	}
	for _, l := range lines {
		if got, ok := tab.get(l.Number); !ok || !reflect.DeepEqual(got, l) {
			t.Errorf("get(%q) = %+v %v, want %+v", l.Number, got, ok, l)
		}
	}
	for _, n := range []string{"", "Number-", "Number-050", "zzz"} {
		if got, ok := tab.get(n); ok {
			t.Errorf("get(%q) = %+v, want none", n, got)
		}
	}
}

// buildStore is a SQLite file holding site.
func buildStore(t testing.TB, site *domain.Site) *sqlstore.DB {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "build.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Apply(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	return st
}

// manyDevices is the demo site and n more SIP phones of the 8841's kind,
// each with its own line and, on every third, the demo's shared line 4100.
func manyDevices(n int) *domain.Site {
	s := domain.DemoSite()
	tmpl := *s.Devices[5]
	for i := range n {
		d := tmpl
		d.Name, d.MAC = "", fmt.Sprintf("0022AA%06X", i)
		d.Description = fmt.Sprintf("scale %d", i)
		num := fmt.Sprint(50000 + i)
		s.Lines = append(s.Lines, &domain.Line{Number: num, DisplayName: "User " + num})
		d.Lines = []domain.Appearance{{Button: 1, Line: num}}
		if i%3 == 0 {
			d.Lines = append(d.Lines, domain.Appearance{Button: 2, Line: "4100"})
		}
		s.Devices = append(s.Devices, &d)
	}
	return s
}

// renderAll renders every file of the site in st the way build did before
// it streamed: the whole site loaded, indexed, listed by render.SiteFiles.
func renderAll(t *testing.T, st store.Store) map[string][]byte {
	t.Helper()
	kinds := slices.DeleteFunc(domain.Kinds(), func(k domain.Kind) bool { return k == domain.KindFile })
	site, err := store.LoadSite(context.Background(), st, kinds...)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for f, err := range render.SiteFiles(domain.NewIndex(site)) {
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.Render()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name()] = b
	}
	return out
}

// readTree reads every file of dir, by name.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range es {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

// BenchmarkBuild builds a site into a directory of the TMPDIR (tmpfs, to
// measure what build does rather than the disk): the SQLite file named by
// CMTFTP_BENCH_DB if set (say, a scripts/bench-scale database), otherwise
// the demo site and 5,000 devices. It reports CPU time per device built.
func BenchmarkBuild(b *testing.B) {
	var st store.Lister
	if path := os.Getenv("CMTFTP_BENCH_DB"); path != "" {
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		st = s
	} else {
		st = buildStore(b, manyDevices(5000))
	}
	dir := b.TempDir()
	devices := 0
	cpu0 := processCPU(b)
	for i := 0; b.Loop(); i++ {
		// A new directory each time: replacing the last would count its removal.
		n, err := Build(context.Background(), st, filepath.Join(dir, fmt.Sprint(i)), nil)
		if err != nil {
			b.Fatal(err)
		}
		devices += n.Devices
	}
	b.ReportMetric(float64(processCPU(b)-cpu0)/float64(devices), "cpu-ns/device")
}

// processCPU is the user and system time the process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
