package devicecsv

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// rowGen yields n rows made by row(i).
type rowGen struct {
	row  func(i int) string
	i, n int
	buf  string
}

func (g *rowGen) Read(p []byte) (int, error) {
	w := 0
	for w < len(p) {
		if g.buf == "" {
			if g.i == g.n {
				break
			}
			g.buf, g.i = g.row(g.i), g.i+1
		}
		c := copy(p[w:], g.buf)
		w, g.buf = w+c, g.buf[c:]
	}
	if w == 0 {
		return 0, io.EOF
	}
	return w, nil
}

// csvOf is header then rows 0 … n-1.
func csvOf(header string, n int, row func(i int) string) io.Reader {
	return io.MultiReader(strings.NewReader(header), &rowGen{row: row, n: n})
}

// rssGrowth runs f and returns how far the resident set peaked above where
// it stood after a GC.
func rssGrowth(t *testing.T, f func()) int64 {
	t.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Fatalf("reset the peak RSS: %v", err)
	}
	field := func(name string) int64 {
		b, err := os.ReadFile("/proc/self/status")
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, name+":"); ok {
				var kb int64
				fmt.Sscan(strings.TrimSpace(v), &kb)
				return kb << 10
			}
		}
		t.Fatalf("no %s", name)
		return 0
	}
	base := field("VmRSS")
	f()
	return field("VmHWM") - base
}

const limitHeader = "MAC ADDRESS,DEVICE TYPE,DEVICE POOL,DESCRIPTION,DIRECTORY NUMBER 1,DIRECTORY NUMBER 2,DIRECTORY NUMBER 3\n"

func mac(i int) string { return fmt.Sprintf("%012X", 0x001100000000+i) }

// TestParseLimits: a file past a limit stops with an error naming it, at
// the row that passes it, with memory bounded: 50 MB of rows grow the
// resident set by less than 160 MiB, what the most a file may hold takes
// (MaxRows devices or MaxLines directory numbers: 60 and 81 MiB measured;
// times raceMemFactor under the race detector).
func TestParseLimits(t *testing.T) {
	const size, bound = 50_000_000, 160 << 20 * raceMemFactor
	for _, tc := range []struct {
		name     string
		in       func() io.Reader
		rows     int // good rows read
		line     int // the line of the first error
		col, msg string
	}{
		{"rows", func() io.Reader {
			return csvOf(limitHeader, size/40, func(i int) string { return mac(i) + ",7961,HQ,,4001,,\n" })
		}, MaxRows, MaxRows + 2, "", "more than 100000 devices or 200000 directory numbers"},
		{"directory numbers", func() io.Reader {
			return csvOf(limitHeader, size/50, func(i int) string { return fmt.Sprintf("%s,7961,HQ,,%d,%d,%d\n", mac(i), 3*i, 3*i+1, 3*i+2) })
		}, MaxLines / 3, MaxLines/3 + 2, "", "directory numbers in one file"},
		{"a long row", func() io.Reader {
			return csvOf(limitHeader+mac(0)+",7961,HQ,", size/16, func(int) string { return "dddddddddddddddd" })
		}, 0, 2, "", "a row longer than 65536 bytes"},
		{"a long field", func() io.Reader {
			return strings.NewReader(limitHeader + mac(0) + ",7961,HQ," + strings.Repeat("d", MaxField+1) + ",4001,,\n" + mac(1) + ",7961,HQ,,4001,,\n")
		}, 1, 2, "DESCRIPTION", "1025 bytes, at most 1024"},
		{"a long header", func() io.Reader {
			return csvOf("MAC ADDRESS,", size/16, func(int) string { return "dddddddddddddddd" })
		},
			0, 1, "", "the header is longer than 65536 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f *File
			var errs []RowError
			grew := rssGrowth(t, func() { f, errs = Parse(tc.in()) })
			t.Logf("%d rows, %v; resident set grew %.1f MiB", len(f.Rows), errs, float64(grew)/(1<<20))
			if len(f.Rows) != tc.rows || len(errs) != 1 || errs[0].Line != tc.line || errs[0].Column != tc.col || !strings.Contains(errs[0].Msg, tc.msg) {
				t.Errorf("%d rows and %v, want %d rows and line %d: %s: %q", len(f.Rows), errs, tc.rows, tc.line, tc.col, tc.msg)
			}
			if grew > bound {
				t.Errorf("resident set grew %d MiB, bound %d MiB", grew>>20, bound>>20)
			}
		})
	}
}
