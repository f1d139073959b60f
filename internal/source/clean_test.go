package source

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestClean(t *testing.T) {
	ok := []struct{ in, want string }{
		{"SEP001122AABBCC.cnf.xml", "SEP001122AABBCC.cnf.xml"},
		{"/RingList.xml", "RingList.xml"},
		{`\RingList.xml`, "RingList.xml"},
		{"//a//b/./c", "a/b/c"},
		{`Communicator\en_US\tones.xml`, "Communicator/en_US/tones.xml"},
		{`\\server\share\x`, "server/share/x"},
		{"%2e%2e%2fetc/passwd", "%2e%2e%2fetc/passwd"},
		{"%c0%ae%c0%ae/x", "%c0%ae%c0%ae/x"},
		{"a.b", "a.b"},
		{".hidden", ".hidden"},
		{"CON", "CON"},
		{"trailing. ", "trailing. "},
		{"caf\xc3\xa9", "caf\xc3\xa9"},
	}
	for _, tt := range ok {
		got, err := Clean(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Clean(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	denied := []string{
		"../etc/passwd", `..\windows\win.ini`, ".../x", "..../x", "/../x", "x/../../y", "a/..",
		"..", "C:/boot.ini", `c:\boot.ini`, "D:", "a/b:c", "a\x00b", "a\nb", "\x7f", "", "/", `\\`, "./.",
		strings.Repeat("a", MaxNameLen+1), strings.Repeat("d/", MaxDepth) + "f",
	}
	for _, in := range denied {
		if got, err := Clean(in); !errors.Is(err, ErrDenied) {
			t.Errorf("Clean(%q) = %q, %v; want ErrDenied", in, got, err)
		}
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"a/b", "../x", `a\..\b`, "/x", "C:x", "a/./b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := Clean(in)
		if err != nil {
			return
		}
		if got == "" || strings.HasPrefix(got, "/") || strings.Contains(got, `\`) || strings.Contains(got, "//") {
			t.Fatalf("Clean(%q) = %q", in, got)
		}
		for _, e := range strings.Split(got, "/") {
			if strings.Trim(e, ".") == "" {
				t.Fatalf("Clean(%q) = %q keeps dot element", in, got)
			}
		}
		if again, err := Clean(got); err != nil || again != got {
			t.Fatalf("Clean not idempotent: %q -> %q -> %q %v", in, got, again, err)
		}
	})
}

// TestLogLimit: one line per interval, the rest counted and reported with
// the next line let through.
func TestLogLimit(t *testing.T) {
	var l LogLimit
	t0 := time.Unix(1000, 0)
	for i, tc := range []struct {
		at         time.Duration
		ok         bool
		suppressed int
	}{{0, true, 0}, {100 * time.Millisecond, false, 0}, {900 * time.Millisecond, false, 0}, {time.Second, true, 2}, {3 * time.Second, true, 0}} {
		ok, n := l.Allow(t0.Add(tc.at))
		if ok != tc.ok || n != tc.suppressed {
			t.Errorf("line %d at %v: %v, %d held back; want %v, %d", i, tc.at, ok, n, tc.ok, tc.suppressed)
		}
	}
}
