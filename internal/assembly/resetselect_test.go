package assembly

import (
	"reflect"
	"slices"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

func TestResetAffected(t *testing.T) {
	devices := []*domain.Device{
		{Name: "SEP000000000001", Model: "7961", Pool: "A", Lines: []domain.Appearance{{Button: 1, Line: "4001"}}},
		{Name: "SEP000000000002", Model: "7940", Pool: "B", SIPProfile: "sp", DialPlan: "dp"},
		{Name: "SEP000000000003", Model: "8841", Pool: "B", SoftkeyTemplate: "sk"},
	}
	rel := related{logins: []*domain.Login{{Device: "SEP000000000003", Profile: "em"}},
		pools: []*domain.Pool{{Name: "A", Group: "g1"}, {Name: "B", Group: "g2"}}}
	all := []string{"SEP000000000001", "SEP000000000002", "SEP000000000003"}
	tests := []struct {
		name    string
		changes []store.Change
		want    []string
	}{
		{"device", []store.Change{{Kind: domain.KindDevice, Key: "SEP000000000002"}}, []string{"SEP000000000002"}},
		{"login", []store.Change{{Kind: domain.KindLogin, Key: "SEP000000000001"}}, []string{"SEP000000000001"}},
		{"line", []store.Change{{Kind: domain.KindLine, Key: "4001"}}, []string{"SEP000000000001"}},
		{"pool", []store.Change{{Kind: domain.KindPool, Key: "B"}}, []string{"SEP000000000002", "SEP000000000003"}},
		{"group", []store.Change{{Kind: domain.KindGroup, Key: "g1"}}, []string{"SEP000000000001"}},
		{"model", []store.Change{{Kind: domain.KindModel, Key: "8841"}}, []string{"SEP000000000003"}},
		{"sip profile", []store.Change{{Kind: domain.KindSIPProfile, Key: "sp"}}, []string{"SEP000000000002"}},
		{"dial plan", []store.Change{{Kind: domain.KindDialPlan, Key: "dp"}}, []string{"SEP000000000002"}},
		{"softkey", []store.Change{{Kind: domain.KindSoftkey, Key: "sk"}}, []string{"SEP000000000003"}},
		{"device profile", []store.Change{{Kind: domain.KindProfile, Key: "em"}}, []string{"SEP000000000003"}},
		{"parameter", []store.Change{{Kind: domain.KindEnterprise, Key: "idleTimeout"}}, all},
		{"resync", []store.Change{{Kind: store.KindResync}}, all},
		{"custom file", []store.Change{{Kind: domain.KindFile, Key: "RingList.xml"}}, nil},
		{"unrelated line", []store.Change{{Kind: domain.KindLine, Key: "9999"}}, nil},
	}
	for _, tc := range tests {
		if got := affected(tc.changes, devices, rel); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestUniqueNames(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"SEP0000DE000003"}, []string{"SEP0000DE000003"}},
		{[]string{"B", "A", "B", "C", "A"}, []string{"B", "A", "C"}},
		{[]string{}, []string{}},
	} {
		if got := uniqueNames(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("uniqueNames(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
