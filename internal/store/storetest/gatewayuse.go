package storetest

import (
	"errors"
	"strings"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// testGatewayInUse: a model, group, pool or line only a gateway uses
// cannot be deleted (ErrInUse naming the gateway); the lines of its
// endpoints are matched exactly, not as LIKE patterns (an _ in a number
// is no wildcard) nor ignoring letter case; once the gateway is gone,
// each deletes.
func testGatewayInUse(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	model := &domain.Model{Name: "VGX", Description: "test gateway", TypeID: 9999, Class: "gateway",
		Protocols: []string{domain.ProtocolSCCP}, SCCPFiles: []string{domain.FamilySKIGW}, MaxLines: 4}
	site := &domain.Site{
		Models: []*domain.Model{model},
		Groups: []*domain.Group{{Name: "G2", Servers: []string{"cm3"}}},
		Pools:  []*domain.Pool{{Name: "P2", Group: "G1"}},
		Lines:  []*domain.Line{{Number: "7_1"}, {Number: "7a1"}, {Number: "Q7"}, {Number: "q7"}, {Number: "771"}},
		Gateways: []*domain.Gateway{{Name: "SKIGW1FCAC3DE30", MAC: "001FCAC3DE30", Model: "VGX", Group: "G2", Pool: "P2",
			Endpoints: []domain.GatewayEndpoint{{Port: 0, Line: "7_1"}, {Port: 1, Line: "Q7"}}}},
	}
	if _, err := s.Apply(c, site); err != nil {
		t.Fatal(err)
	}
	used := []struct {
		k   domain.Kind
		key string
	}{{domain.KindModel, "VGX"}, {domain.KindGroup, "G2"}, {domain.KindPool, "P2"},
		{domain.KindLine, "7_1"}, {domain.KindLine, "Q7"}}
	for _, u := range used {
		err := s.Delete(c, u.k, u.key)
		if !errors.Is(err, domain.ErrInUse) || !strings.Contains(err.Error(), `gateway "SKIGW1FCAC3DE30"`) {
			t.Errorf("delete %s %q: %v, want ErrInUse naming the gateway", u.k, u.key, err)
		}
	}
	for _, free := range []string{"7a1", "q7", "771"} {
		if err := s.Delete(c, domain.KindLine, free); err != nil {
			t.Errorf("delete line %q, which no endpoint carries: %v", free, err)
		}
	}
	if err := s.Delete(c, domain.KindGateway, "SKIGW1FCAC3DE30"); err != nil {
		t.Fatal(err)
	}
	for _, u := range used {
		if err := s.Delete(c, u.k, u.key); err != nil {
			t.Errorf("delete %s %q after the gateway: %v", u.k, u.key, err)
		}
	}
	// The fixture's gateways hold their lines too.
	if err := s.Delete(c, domain.KindLine, "4001"); !errors.Is(err, domain.ErrInUse) {
		t.Errorf("delete line 4001 (on a device and two gateways): %v", err)
	}
	d, _ := store.Get[*domain.Device](c, s, "SEP001122AABB01")
	d.Lines = nil
	if _, err := s.Put(c, d); err != nil {
		t.Fatal(err)
	}
	err := s.Delete(c, domain.KindLine, "4001")
	if !errors.Is(err, domain.ErrInUse) || !strings.Contains(err.Error(), "gateway") {
		t.Errorf("delete line 4001 (on two gateways only): %v", err)
	}
}
