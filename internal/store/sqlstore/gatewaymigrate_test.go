package sqlstore_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"cmtftp/internal/domain"
	"cmtftp/internal/render"
	"cmtftp/internal/store"
)

// gatewayMigrations are, per backend, the migrations folder, goose's
// dialect and the version before the gateways' migration.
var gatewayMigrations = map[string]struct {
	dir     string
	dialect goose.Dialect
	before  int64
}{
	"sqlite":   {"../sqlite/migrations", goose.DialectSQLite3, 7},
	"postgres": {"../postgres/migrations", goose.DialectPostgres, 6},
}

// analogAccessSQL writes, by plain SQL into the schema before gateways,
// an Analog Access kept as a device with two lines (one with an _ in its
// number), and a line no one uses whose number the other's matches as a
// LIKE pattern.
var analogAccessSQL = []string{
	"INSERT INTO lines (number, display_name) VALUES ('4701', 'Door'), ('47_2', 'Fax'), ('4712', 'Spare')",
	"INSERT INTO devices (name, description, model, protocol, pool) VALUES ('AALOBBY', 'lobby analog', 'Analog Access', 'SCCP', 'HQ')",
	"INSERT INTO device_lines (device, button, line) VALUES ('AALOBBY', 1, '4701'), ('AALOBBY', 2, '47_2')",
	// As `device add 00:11:22:33:44:aa --model "Analog Access"` named it.
	"INSERT INTO devices (name, mac, model, protocol, pool) VALUES ('SEP0011223344AA', '0011223344AA', 'Analog Access', 'SCCP', 'HQ')",
	// Catalogue version 1: only Analog Access and Voice Mail Port were gateways.
	"DELETE FROM models WHERE builtin AND class = 'gateway' AND name NOT IN ('Analog Access', 'Voice Mail Port')",
	"UPDATE meta SET value = '1' WHERE key = 'catalogue_version'",
}

// TestGatewaysMigration: on both backends, the gateways' migration undone
// and applied again over an Analog Access device (written by plain SQL
// meanwhile) makes it a gateway: group from its pool, ports 0 and 1 of
// unit 0 carrying its lines; it reads as the store writes it (a put back
// changes nothing), its lines are in use by it (the migration's JSON,
// PostgreSQL's spacing included), its insertion is in the change log, and
// the device is gone. An Analog Access named SEP<MAC> becomes the gateway
// <MAC> (checkMigratedMAC). The store opened then refreshes catalogue version 1
// to 2: the gateway models, with their MGCP files.
func TestGatewaysMigration(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			open := b.make(t)
			old := siteStore(t, open)
			m := gatewayMigrations[b.name]
			p, err := goose.NewProvider(m.dialect, old.SQL(), os.DirFS(m.dir))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.DownTo(ctx, m.before); err != nil {
				t.Fatal(err)
			}
			for _, q := range analogAccessSQL {
				if _, err := old.SQL().ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			logged := lastChange(t, old)
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			checkMigratedGateway(t, openStore(t, open), logged)
		})
	}
}

// checkMigratedGateway checks the Analog Access the migration moved.
func checkMigratedGateway(t *testing.T, s store.Store, logged int64) {
	t.Helper()
	ctx := context.Background()
	want := &domain.Gateway{Name: "AALOBBY", Description: "lobby analog", Model: "Analog Access", Protocol: "SCCP",
		Group: "G1", Pool: "HQ", Endpoints: []domain.GatewayEndpoint{{Port: 0, Line: "4701"}, {Port: 1, Line: "47_2"}}}
	g, err := store.Get[*domain.Gateway](ctx, s, "AALOBBY")
	if err != nil || !reflect.DeepEqual(g, want) {
		t.Fatalf("the Analog Access after the migration: %+v %v, want %+v", g, err, want)
	}
	if _, err := s.Get(ctx, domain.KindDevice, "AALOBBY"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("the Analog Access as a device: %v, want ErrNotFound", err)
	}
	for _, name := range []string{"ISR4321", "VG224", "ATA190"} {
		m, err := store.Get[*domain.Model](ctx, s, name)
		cat := catalogueModel(t, name)
		if err != nil || !m.Builtin || !slices.Equal(m.MGCPFiles, cat.MGCPFiles) || m.MaxLines != cat.MaxLines {
			t.Errorf("model %s after the catalogue refresh: %+v %v, want %+v", name, m, err, cat)
		}
	}
	if changed, err := s.Put(ctx, g); err != nil || changed {
		t.Errorf("put back: changed=%v %v", changed, err)
	}
	for _, l := range []string{"4701", "47_2"} {
		if err := s.Delete(ctx, domain.KindLine, l); !errors.Is(err, domain.ErrInUse) || !strings.Contains(err.Error(), `gateway "AALOBBY"`) {
			t.Errorf("delete line %s: %v, want ErrInUse naming the gateway", l, err)
		}
	}
	if err := s.Delete(ctx, domain.KindLine, "4712"); err != nil {
		t.Errorf("delete line 4712, on no port: %v", err)
	}
	checkMigratedMAC(t, s)
	ch, err := s.Changes(ctx, logged)
	if err != nil {
		t.Fatal(err)
	}
	// The migration's own events: the gateway inserted, the device deleted.
	seen := map[string]bool{}
	for n := 0; n < 100 && !(seen["insert gateway AALOBBY"] && seen["delete device AALOBBY"]); n++ {
		c := nextChange(t, ch)
		seen[string(c.Op)+" "+string(c.Kind)+" "+c.Key] = true
	}
	if !seen["insert gateway AALOBBY"] || !seen["delete device AALOBBY"] {
		t.Errorf("the move is not in the change log: %v", seen)
	}
}

// catalogueModel returns the built-in model named name.
func catalogueModel(t *testing.T, name string) domain.Model {
	t.Helper()
	cat := domain.Catalogue()
	i := slices.IndexFunc(cat, func(m domain.Model) bool { return m.Name == name })
	if i < 0 {
		t.Fatalf("no model %s in the catalogue", name)
	}
	return cat[i]
}

// checkMigratedMAC checks the Analog Access named SEP0011223344AA before
// the migration: it is the gateway named by its MAC alone, puts back
// unchanged, and is served as that gateway's <MAC>.cnf; no gateway or
// device is named SEP0011223344AA.
func checkMigratedMAC(t *testing.T, s store.Store) {
	t.Helper()
	ctx := context.Background()
	want := &domain.Gateway{Name: "0011223344AA", MAC: "0011223344AA", Model: "Analog Access", Protocol: "SCCP", Group: "G1", Pool: "HQ"}
	g, err := store.Get[*domain.Gateway](ctx, s, want.Name)
	if err != nil || !reflect.DeepEqual(g, want) {
		t.Fatalf("the Analog Access named SEP0011223344AA after the migration: %+v %v, want %+v", g, err, want)
	}
	for _, k := range []domain.Kind{domain.KindGateway, domain.KindDevice} {
		if _, err := s.Get(ctx, k, "SEP0011223344AA"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("%s SEP0011223344AA: %v, want ErrNotFound", k, err)
		}
	}
	if changed, err := s.Put(ctx, g); err != nil || changed {
		t.Errorf("put back: changed=%v %v", changed, err)
	}
	c, err := s.GatewayConfig(ctx, want.Name)
	if err != nil {
		t.Fatal(err)
	}
	if tg, ok := render.ResolveGateway("0011223344AA.cnf", c); !ok || tg.Kind != render.GatewayCnfFile {
		t.Errorf("0011223344AA.cnf: %+v %v, want the gateway's .cnf", tg, ok)
	}
	if !slices.Contains(render.GatewayFiles(c), "0011223344AA.cnf") {
		t.Errorf("the gateway's files %v lack 0011223344AA.cnf", render.GatewayFiles(c))
	}
}
