package sipnotify

import (
	"testing"

	"cmtftp/internal/domain"
)

func TestElement(t *testing.T) {
	tests := []struct{ in, tag, want string }{
		{"<device><versionStamp>abc-1</versionStamp></device>", "versionStamp", "abc-1"},
		{"<a><dialTemplate> DR1.xml </dialTemplate>", "dialTemplate", "DR1.xml"},
		{"<versionStamp>open", "versionStamp", ""},
		{"", "versionStamp", ""},
		{"<softKeyFile></softKeyFile>", "softKeyFile", ""},
	}
	for _, tc := range tests {
		if got := Element([]byte(tc.in), tc.tag); got != tc.want {
			t.Errorf("Element(%q, %s) = %q, want %q", tc.in, tc.tag, got, tc.want)
		}
	}
}

func FuzzElement(f *testing.F) {
	f.Add([]byte("<versionStamp>x</versionStamp>"))
	f.Add([]byte("<versionStamp></versionStamp><versionStamp>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s := StampOf(b)
		if len(s) > len(b) {
			t.Fatalf("stamp %q longer than the file", s)
		}
	})
}

func TestEventFor(t *testing.T) {
	byName := map[string]domain.Model{}
	for _, m := range domain.Catalogue() {
		byName[m.Name] = m
	}
	tests := []struct {
		model, protocol, want string
		ok                    bool
	}{
		{"8841", domain.ProtocolSIP, EventServiceControl, true},
		{"7961", domain.ProtocolSIP, EventServiceControl, true},
		{"7940", domain.ProtocolSIP, EventCheckSync, true},
		{"7905", domain.ProtocolSIP, EventCheckSync, true},
		{"7961", domain.ProtocolSCCP, "", false},
	}
	for _, tc := range tests {
		m, ok := byName[tc.model]
		if !ok {
			t.Fatalf("model %s not in the catalogue", tc.model)
		}
		got, ok := EventFor(m, tc.protocol)
		if got != tc.want || ok != tc.ok {
			t.Errorf("EventFor(%s, %s) = %q %v, want %q %v", tc.model, tc.protocol, got, ok, tc.want, tc.ok)
		}
	}
}
