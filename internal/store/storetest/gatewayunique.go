package storetest

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// refused checks that putting e and applying it are both a field error
// (ErrExists on field, its message holding msg), and that nothing of it
// was written.
func refused(t *testing.T, s store.Store, e domain.Entity, field, msg string) {
	t.Helper()
	c := ctx(t)
	_, perr := s.Put(c, e)
	site := &domain.Site{}
	switch v := e.(type) {
	case *domain.Gateway:
		site.Gateways = []*domain.Gateway{v}
	case *domain.Device:
		site.Devices = []*domain.Device{v}
	}
	_, aerr := s.Apply(c, site)
	for _, err := range []error{perr, aerr} {
		fieldErr(t, err, domain.ErrExists, field)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s %s: %v, want %q", e.Kind(), e.Key(), err, msg)
		}
	}
	if _, err := s.Get(c, e.Kind(), e.Key()); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("%s %s was written: %v", e.Kind(), e.Key(), err)
	}
}

// ata190 is an ATA 190 of group G1 with the MAC, named by it.
func ata190(mac string) *domain.Gateway {
	return &domain.Gateway{Name: domain.PrefixATA + mac, MAC: mac, Model: "ATA190", Group: "G1"}
}

// testGatewayMAC: a MAC is one phone's or one gateway's: a gateway with a
// device's MAC, and a device with a gateway's, are refused on mac naming
// the other record (Put and Apply).
func testGatewayMAC(t *testing.T, s store.Store) {
	apply(t, s)
	refused(t, s, ata190("001122AABB02"), "mac", `device "SEP001122AABB02"`)
	refused(t, s, &domain.Device{MAC: "001FCAC3DE10", Model: "7970", Protocol: "SIP", Pool: "HQ"}, "mac", `gateway "SKIGW1FCAC3DE10"`)
	g := ata190("001122AABB09")
	if _, err := s.Put(ctx(t), g); err != nil {
		t.Fatalf("a gateway with a MAC of its own: %v", err)
	}
}

// testGatewayPort2: an ATA 190's second port name (ATA, the MAC without
// its first octet, 01) is no other gateway's name and no other ATA 190's
// second port name, whichever is written first, by Put or in one Apply;
// the one gateway it names is the one domain.Index finds.
func testGatewayPort2(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	base := ata190("0000DE0000B1")
	if err := s.Create(c, base); err != nil {
		t.Fatal(err)
	}
	p2 := domain.ATAPort2Name(base.MAC) // ATA00DE0000B101
	refused(t, s, ata190(p2[3:]), "name", "ATA 190 ATA0000DE0000B1's second port")
	refused(t, s, ata190("0200DE0000B1"), "mac", "as ATA 190 ATA0000DE0000B1's is")
	if err := s.Create(c, ata190("02DE0000C101")); err != nil {
		t.Fatal(err)
	}
	refused(t, s, ata190("0002DE0000C1"), "mac", "as gateway ATA02DE0000C101 is")
	_, err := s.Apply(c, &domain.Site{Gateways: []*domain.Gateway{ata190("0400DE0000D1"), ata190("0600DE0000D1")}})
	fieldErr(t, err, domain.ErrExists, "mac")
	if _, err := s.Get(c, domain.KindGateway, "ATA0400DE0000D1"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("one of two ATA 190s sharing a second port name was written: %v", err)
	}
	site, err := store.LoadSite(c, s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GatewayConfig(c, p2)
	want, werr := domain.NewIndex(site).GatewayConfig(p2)
	if err != nil || werr != nil || got.Gateway.Name != base.Name || !reflect.DeepEqual(got, want) {
		t.Errorf("%s: store %+v %v\nindex %+v %v", p2, got, err, want, werr)
	}
}

// testGatewayConfigMissing: a gateway whose line was deleted by plain SQL
// (endpoint lines have no foreign key) is an error naming the line, not
// ErrNotFound — asked by its name or by its second port's; a gateway
// that does not exist stays ErrNotFound.
func testGatewayConfigMissing(t *testing.T, s store.Store) {
	h, ok := s.(sqlHandle)
	if !ok {
		t.Fatalf("%T does not expose its SQL handle", s)
	}
	apply(t, s)
	c := ctx(t)
	g := ata190("0000DE0000E1")
	g.Endpoints = []domain.GatewayEndpoint{{Port: 0, Line: "4777"}}
	if _, err := s.Apply(c, &domain.Site{Lines: []*domain.Line{{Number: "4777"}}, Gateways: []*domain.Gateway{g}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GatewayConfig(c, g.Name); err != nil {
		t.Fatalf("before the delete: %v", err)
	}
	if _, err := h.SQL().ExecContext(c, "DELETE FROM lines WHERE number = '4777'"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{g.Name, domain.ATAPort2Name(g.MAC)} {
		_, err := s.GatewayConfig(c, name)
		if err == nil || errors.Is(err, domain.ErrNotFound) || !strings.Contains(err.Error(), `line "4777"`) {
			t.Errorf("%s without its line: %v, want an error naming line 4777 that is not ErrNotFound", name, err)
		}
	}
	if _, err := s.GatewayConfig(c, "ATA0000DE0000EF"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("a gateway that does not exist: %v, want ErrNotFound", err)
	}
}
