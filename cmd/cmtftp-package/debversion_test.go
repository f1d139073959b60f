package main

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

func TestDebianVersion(t *testing.T) {
	tests := []struct {
		describe, date, want string
	}{
		{"v1.2.3", "20261203", "1.2.3"},
		{"1.2.3", "20261203", "1.2.3"},
		{"v1.2.3-rc.1", "20261203", "1.2.3~rc.1"},
		{"v1.2.3-rc-1", "20261203", "1.2.3~rc.1"},
		{"v1.2.3-4-gabc1234", "20261203", "1.2.3+git20261203.4.abc1234"},
		{"v1.2.3-rc.1-4-gabc1234", "20261203", "1.2.3~rc.1+git20261203.4.abc1234"},
		{"abc1234", "20261203", "0.0.0~git20261203.abc1234"},
		{"abc1234-dirty", "20261203", "0.0.0~git20261203.abc1234+dirty"},
		{"v1.2.3-dirty", "20261203", "1.2.3+dirty"},
		{"v1.2.3-4-gabc1234-dirty\n", "20261203", "1.2.3+git20261203.4.abc1234.dirty"},
	}
	for _, tt := range tests {
		got, err := DebianVersion(tt.describe, tt.date)
		if err != nil || got != tt.want {
			t.Errorf("DebianVersion(%q, %q) = %q, %v; want %q", tt.describe, tt.date, got, err, tt.want)
		}
	}
}

func TestDebianVersionRefused(t *testing.T) {
	tests := []struct{ describe, date string }{
		{"release-one", "20261203"},
		{"v1.2.3", "2026-12-03"},
		{"v1.2.3", ""},
		{"", "20261203"},
		{"v1.2:3", "20261203"},
		{"v1.2.3_x", "20261203"},
		{"vv1", "20261203"},
	}
	for _, tt := range tests {
		got, err := DebianVersion(tt.describe, tt.date)
		if !errors.Is(err, ErrVersion) {
			t.Errorf("DebianVersion(%q, %q) = %q, %v; want ErrVersion", tt.describe, tt.date, got, err)
		}
	}
}

// TestDebianVersionOrder checks the mapped versions sort as their commits
// do, by dpkg's own comparison.
func TestDebianVersionOrder(t *testing.T) {
	inOrder := []string{"abc1234", "v0.9.0", "v1.0.0-rc.1", "v1.0.0-rc.1-2-gabc1234", "v1.0.0", "v1.0.0-1-gdef5678", "v1.0.1"}
	var vs []string
	for _, d := range inOrder {
		v, err := DebianVersion(d, "20261203")
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	for i := 1; i < len(vs); i++ {
		out, err := exec.Command("dpkg", "--compare-versions", vs[i-1], "lt", vs[i]).CombinedOutput()
		if err != nil {
			t.Errorf("dpkg: %s is not before %s: %v %s", vs[i-1], vs[i], err, out)
		}
	}
}

func FuzzDebianVersion(f *testing.F) {
	for _, s := range []string{"v1.2.3", "v1.2.3-4-gabc1234-dirty", "abc1234", "1.0-rc-1", "v-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, describe string) {
		v, err := DebianVersion(describe, "20261203")
		if err != nil {
			if !errors.Is(err, ErrVersion) {
				t.Fatalf("DebianVersion(%q): %v is not ErrVersion", describe, err)
			}
			return
		}
		if CheckDebianVersion(v) != nil || strings.ContainsAny(v, ":-_ ") {
			t.Fatalf("DebianVersion(%q) = %q: not a Debian upstream version", describe, v)
		}
	})
}
