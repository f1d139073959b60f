package domain

import "testing"

func TestParseMAC(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"001122AABBCC", "001122AABBCC"},
		{"001122aabbcc", "001122AABBCC"},
		{"00:11:22:aa:bb:cc", "001122AABBCC"},
		{"00-11-22-AA-BB-CC", "001122AABBCC"},
		{"0011.22aa.bbcc", "001122AABBCC"},
		{"", ""},
		{"001122AABBC", ""},
		{"001122AABBCCD", ""},
		{"001122AABBCG", ""},
		{"00:11:22:aa:bb", ""},
		{"00:11:22-aa:bb:cc", ""},
		{"0:011:22:aa:bb:cc", ""},
		{"00 11 22 aa bb cc", ""},
		{"SEP001122AABBCC", ""},
		{"001122aabbcc\x00", ""},
	} {
		got, err := ParseMAC(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("ParseMAC(%q) = %q, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseMAC(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParseMAC(f *testing.F) {
	f.Add("00:11:22:aa:bb:cc")
	f.Add("0011.22aa.bbcc")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMAC(s)
		if err != nil {
			return
		}
		if len(m) != 12 {
			t.Fatalf("ParseMAC(%q) = %q", s, m)
		}
		again, err := ParseMAC(m)
		if err != nil || again != m {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, m, again, err)
		}
	})
}
