package sqlite

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

// analogAccessAt7 is the plain SQL that gives a database an Analog Access
// kept as a device, as cmtftp did before gateways (version 7): two lines
// of its own on buttons 1 and 2. The catalogue is version 1's: without
// the gateway models of version 2 (only Analog Access and Voice Mail Port
// were class gateway).
var analogAccessAt7 = []string{
	"INSERT INTO lines (number, display_name) VALUES ('4701', 'Door'), ('4702', 'Fax')",
	"INSERT INTO devices (name, description, model, protocol, pool) VALUES ('AALOBBY', 'lobby analog', 'Analog Access', 'SCCP', 'HQ')",
	"INSERT INTO device_lines (device, button, line) VALUES ('AALOBBY', 1, '4701'), ('AALOBBY', 2, '4702')",
	"DELETE FROM models WHERE builtin = 1 AND class = 'gateway' AND name NOT IN ('Analog Access', 'Voice Mail Port')",
	"UPDATE meta SET value = '1' WHERE key = 'catalogue_version'",
}

// TestMigrateGateways: a database at version 7 holding an Analog Access
// device with two lines, opened by the current code, holds it as a
// gateway (group from its pool, endpoints port 0 and 1 of unit 0 carrying
// its lines, protocol, description), no longer as a device; the phone
// beside it is untouched; the move is in the change feed, which still
// carries later changes; and the catalogue is refreshed to version 2 (the
// gateway models, with their MGCP files).
func TestMigrateGateways(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cmtftp.db")
	site := storetest.Site()
	site.Gateways = nil // there were none at version 7
	old, ref := openAt(t, path, 7, site, analogAccessAt7...)
	var before int64
	if err := old.QueryRowContext(ctx, "SELECT MAX(id) FROM changes").Scan(&before); err != nil {
		t.Fatal(err)
	}
	if n := queryStrings(t, old, "SELECT (SELECT COUNT(*) FROM models WHERE name = 'ISR4321') || ' ' ||"+
		" (SELECT COUNT(*) FROM device_lines WHERE device = 'AALOBBY')"); n[0] != "0 2" {
		t.Fatalf("the database at version 7: %v gateway models and lines of the Analog Access, want none and 2", n)
	}
	old.Close()
	phone, err := ref.DeviceConfig(ctx, "SEP001122AABB01")
	if err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := &domain.Gateway{Name: "AALOBBY", Description: "lobby analog", Model: "Analog Access", Protocol: "SCCP",
		Group: "G1", Pool: "HQ", Endpoints: []domain.GatewayEndpoint{{Port: 0, Line: "4701"}, {Port: 1, Line: "4702"}}}
	g, err := store.Get[*domain.Gateway](ctx, s, "AALOBBY")
	if err != nil || !reflect.DeepEqual(g, want) {
		t.Fatalf("the Analog Access after the migration: %+v %v, want %+v", g, err, want)
	}
	if _, err := s.Get(ctx, domain.KindDevice, "AALOBBY"); err == nil {
		t.Error("the Analog Access is still a device")
	}
	if changed, err := s.Put(ctx, g); err != nil || changed {
		t.Errorf("the migrated gateway put back: changed=%v %v (the migration's JSON must read as the store writes it)", changed, err)
	}
	if c, err := s.GatewayConfig(ctx, "AALOBBY"); err != nil || len(c.Endpoints) != 2 || c.Endpoints[1].Line.DisplayName != "Fax" {
		t.Errorf("its configuration: %+v %v", c, err)
	}
	if got, err := s.DeviceConfig(ctx, "SEP001122AABB01"); err != nil || !reflect.DeepEqual(got, phone) {
		t.Errorf("the phone after the migration: %+v %v, want %+v", got, err, phone)
	}
	checkCatalogue(t, s)
	checkGatewayFeed(t, s, before)
}

// checkCatalogue checks the stored built-in models are catalogue v2's.
func checkCatalogue(t *testing.T, s store.Store) {
	t.Helper()
	ctx := context.Background()
	for _, m := range domain.Catalogue() {
		got, err := store.Get[*domain.Model](ctx, s, m.Name)
		if err != nil {
			t.Errorf("model %s: %v", m.Name, err)
			continue
		}
		if err := domain.Normalize(&m); err != nil {
			t.Fatal(err)
		}
		if got.Class != m.Class || !reflect.DeepEqual(got.MGCPFiles, m.MGCPFiles) || got.MaxLines != m.MaxLines || !got.Builtin {
			t.Errorf("model %s: %+v, want %+v", m.Name, got, m)
		}
	}
	if m, _ := store.Get[*domain.Model](ctx, s, "ISR4321"); m == nil || len(m.MGCPFiles) != 1 || m.MGCPFiles[0] != domain.FamilyMGCP {
		t.Errorf("ISR4321: %+v", m)
	}
}

// checkGatewayFeed reads the change feed from before the migration: the
// move (the gateway inserted, the device deleted), then a gateway changed
// by plain SQL and one put by the store.
func checkGatewayFeed(t *testing.T, s *sqlstore.DB, before int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ch, err := s.Changes(ctx, before)
	if err != nil {
		t.Fatal(err)
	}
	waitChange(t, ch, domain.KindGateway, "AALOBBY", store.OpInsert)
	if _, err := s.SQL().ExecContext(ctx, "UPDATE gateways SET description = 'typed in SQL' WHERE name = 'AALOBBY'"); err != nil {
		t.Fatal(err)
	}
	waitChange(t, ch, domain.KindGateway, "AALOBBY", store.OpUpdate)
	if err := s.Delete(ctx, domain.KindGateway, "AALOBBY"); err != nil {
		t.Fatal(err)
	}
	waitChange(t, ch, domain.KindGateway, "AALOBBY", store.OpDelete)
	var moved int
	if err := s.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM changes WHERE id > ? AND kind = 'device' AND key = 'AALOBBY' AND op = 'delete'", before).Scan(&moved); err != nil || moved == 0 {
		t.Errorf("the device's removal is not in the change log: %d %v", moved, err)
	}
}

// waitChange reads ch until a change of kind k, key and op arrives.
func waitChange(t *testing.T, ch <-chan store.Change, k domain.Kind, key string, op store.Op) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case c, ok := <-ch:
			if !ok {
				t.Fatalf("the feed closed before %s %s %s", op, k, key)
			}
			if c.Kind == k && c.Key == key && c.Op == op {
				return
			}
		case <-timeout:
			t.Fatalf("no %s %s %s in the feed", op, k, key)
		}
	}
}
