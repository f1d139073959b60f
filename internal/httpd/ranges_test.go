package httpd

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// FuzzRanges: whatever the Range header, limitRanges does not panic, and a
// header it rewrites has at most MaxRanges sorted, disjoint ranges inside
// the file.
func FuzzRanges(f *testing.F) {
	for _, s := range []string{"bytes=0-9", "bytes=0-9,5-14", "bytes=-5,-10", "bytes=100-,0-0", "bytes=,,", "bytes=9-0,1-2",
		"bytes=0-0,200-200,400-400", "items=0-1,2-3", "bytes= 1 - 2 , 3-4", "bytes=-0,1-1", "bytes=99999999999999999999-,1-2"} {
		f.Add(s, int64(1000))
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 || size > 1<<40 {
			return
		}
		r, _ := http.NewRequest("GET", "http://x/f", nil)
		r.Header.Set("Range", h)
		out := limitRanges(r, size)
		got := out.Header.Get("Range")
		if out == r || got == "" {
			return
		}
		spec, ok := strings.CutPrefix(got, "bytes=")
		parts := strings.Split(spec, ",")
		if !ok || len(parts) > MaxRanges {
			t.Fatalf("%q (size %d) -> %q", h, size, got)
		}
		prev := int64(-1)
		for _, p := range parts {
			a, z, _ := strings.Cut(p, "-")
			first, err1 := strconv.ParseInt(a, 10, 64)
			last, err2 := strconv.ParseInt(z, 10, 64)
			if err1 != nil || err2 != nil || first <= prev || last < first || last >= size {
				t.Fatalf("%q (size %d) -> %q", h, size, got)
			}
			prev = last
		}
	})
}
