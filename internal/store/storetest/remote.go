package storetest

import (
	"errors"
	"slices"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// testRemoteClusters: remote clusters round-trip with their servers in
// order, the site order gives the priority, and update and delete work.
func testRemoteClusters(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	rs, err := store.List[*domain.RemoteCluster](c, s)
	if err != nil || len(rs) != 2 {
		t.Fatalf("list remote clusters: %d, %v", len(rs), err)
	}
	b, cl := rs[0], rs[1]
	if b.Name != "B" || b.Priority != 1 || b.Disabled || b.Description != "building B" ||
		!slices.Equal(b.Servers, []string{"tftp-b.example.net", "192.0.2.31", "[2001:db8::31]:6970"}) {
		t.Errorf("listed B: %+v", b)
	}
	if cl.Name != "C" || cl.Priority != 2 || !cl.Disabled || !slices.Equal(cl.Servers, []string{"192.0.2.41:8080"}) {
		t.Errorf("listed C: %+v", cl)
	}
	if err := s.Create(c, &domain.RemoteCluster{Name: "A", Servers: []string{"TFTP-A.example.net", "192.0.2.51"}}); err != nil {
		t.Fatal(err)
	}
	a, err := store.Get[*domain.RemoteCluster](c, s, "A")
	if err != nil || a.Priority != 0 || !slices.Equal(a.Servers, []string{"tftp-a.example.net", "192.0.2.51"}) {
		t.Fatalf("created A: %+v, %v", a, err)
	}
	a.Servers, a.Priority, a.Disabled = []string{"192.0.2.52", "192.0.2.51", "tftp-a.example.net"}, 5, true
	if changed, err := s.Put(c, a); err != nil || !changed {
		t.Fatalf("update A: %v, %v", changed, err)
	}
	got, err := store.Get[*domain.RemoteCluster](c, s, "A")
	if err != nil || !sameJSON(got, a) {
		t.Errorf("updated A:\n got  %s\n want %s (%v)", js(got), js(a), err)
	}
	if err := s.Create(c, &domain.RemoteCluster{Name: "D", Servers: []string{"2001:db8::1"}}); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("unbracketed IPv6: %v, want ErrInvalid", err)
	}
	if err := s.Delete(c, domain.KindRemote, "A"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(c, domain.KindRemote, "A"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("deleted A: %v, want ErrNotFound", err)
	}
}
