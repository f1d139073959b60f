package source

import (
	"errors"
	"strings"
	"testing"
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
