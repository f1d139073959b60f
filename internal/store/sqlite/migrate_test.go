package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pressly/goose/v3"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

// rebuiltTables are the tables 00004 makes WITHOUT ROWID.
var rebuiltTables = []string{"devices", "device_lines", "lines", "logins", "profile_lines"}

// laterTriggers leaves out of dumpDB's schema the triggers and indexes of
// tables later migrations add (the tests compare the schema at version 3
// with the newest).
const laterTriggers = " AND tbl_name NOT IN ('signing_keys', 'key_rotations', 'device_certs', 'server_certs', 'gateways')"

// migrationsUpTo returns the embedded migrations numbered ≤ version.
func migrationsUpTo(t *testing.T, version int) fs.FS {
	t.Helper()
	out := fstest.MapFS{}
	ents, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		var v int
		if _, err := fmt.Sscanf(e.Name(), "%05d_", &v); err != nil || v > version {
			continue
		}
		b, err := fs.ReadFile(migrations, "migrations/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		out["migrations/"+e.Name()] = &fstest.MapFile{Data: b}
	}
	return out
}

// openAt3 opens the database at path migrated to version 3 (before the
// WITHOUT ROWID rebuild), with the test site and 30 devices of its own,
// a line each and every third logged in, written by plain SQL; ref is a
// database of the current schema holding the same records (openAt).
func openAt3(t *testing.T, path string) (old *sql.DB, ref *sqlstore.DB) {
	t.Helper()
	site := storetest.Site()
	site.Files = nil // the store writes them into custom_file_chunks, which comes with 00006
	const n = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 29) "
	return openAt(t, path, 3, site,
		n+"INSERT INTO lines (number, display_name) SELECT printf('9%03d', i), 'User ' || i FROM n",
		n+"INSERT INTO devices (name, mac, model, protocol, pool, softkey_template, sip_profile, dial_plan)"+
			" SELECT printf('SEPCC00000000%02d', i), printf('CC00000000%02d', i), '7970', 'SIP', 'HQ', 'Standard', 'Standard SIP', 'dp79x1' FROM n",
		n+"INSERT INTO device_lines (device, button, line) SELECT printf('SEPCC00000000%02d', i), 1, printf('9%03d', i) FROM n",
		n+"INSERT INTO logins (device, profile, since) SELECT printf('SEPCC00000000%02d', i), 'ada-em', i FROM n WHERE i % 3 = 0",
	)
}

// dumpDB returns every row of every table of shape (tableColumns of the
// database before a migration: tables and columns added since are left
// out; columns db no longer has too) in its columns, and the SQL of every
// trigger and explicit index, as sorted text (not goose's history and its
// index, which Migrate adds: sqlstore's appliedOnce).
func dumpDB(t *testing.T, db *sql.DB, shape map[string][]string) (rows, schema []string) {
	t.Helper()
	ctx := context.Background()
	schema = queryStrings(t, db, "SELECT type || ' ' || name || ' ON ' || tbl_name || ': ' || sql FROM sqlite_master"+
		" WHERE type IN ('trigger', 'index') AND sql IS NOT NULL AND tbl_name <> 'goose_db_version'"+laterTriggers)
	now := tableColumns(t, db)
	for tbl, was := range shape {
		cols := slices.DeleteFunc(slices.Clone(was), func(c string) bool { return !slices.Contains(now[tbl], c) })
		if len(cols) == 0 {
			rows = append(rows, "table "+tbl+" gone")
			continue
		}
		r, err := db.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+tbl)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			rows = append(rows, fmt.Sprintf("%s %q", tbl, vals))
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(rows)
	slices.Sort(schema)
	return rows, schema
}

// queryStrings returns the first column of q's rows.
func queryStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	r, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []string
	for r.Next() {
		var s string
		if err := r.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMigrateWithoutRowid: a populated database at version 3 migrated by
// Open keeps every row, trigger and index; the rebuilt tables are WITHOUT
// ROWID; foreign keys are checked again on every connection; DeviceConfig
// returns what it did before; and changes made afterwards by plain SQL
// reach the change feed.
func TestMigrateWithoutRowid(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cmtftp.db")
	old, ref := openAt3(t, path)
	devices := []string{"SEPCC0000000001", "SEPCC0000000003"} // own lines; logged in
	var before []*domain.DeviceConfig
	for _, d := range devices {
		c, err := ref.DeviceConfig(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		before = append(before, c)
	}
	shape := tableColumns(t, old)
	rows0, schema0 := dumpDB(t, old, shape)
	old.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.SQL()
	rows1, schema1 := dumpDB(t, db, shape)
	if !slices.Equal(rows0, rows1) {
		t.Errorf("rows changed: %d before, %d after", len(rows0), len(rows1))
	}
	if !slices.Equal(schema0, schema1) {
		t.Errorf("triggers or indexes changed:\nbefore %q\nafter  %q", schema0, schema1)
	}
	for _, tbl := range rebuiltTables {
		var q string
		if err := db.QueryRowContext(ctx, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", tbl).Scan(&q); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(q, "WITHOUT ROWID") {
			t.Errorf("%s: %s", tbl, q)
		}
	}
	if n := queryStrings(t, db, `SELECT name FROM sqlite_master WHERE sql LIKE '%new\_%' ESCAPE '\'`); len(n) != 0 {
		t.Errorf("still naming the rebuild's tables: %v", n)
	}
	if v := queryStrings(t, db, "SELECT group_concat(version_id) FROM goose_db_version WHERE version_id >= 4"); len(v) != 1 || !strings.HasPrefix(v[0], "4") {
		t.Errorf("versions from 4: %v, want 4 and the later ones", v)
	}
	checkForeignKeysOn(t, db)
	for i, d := range devices {
		c, err := s.DeviceConfig(ctx, d)
		if err != nil || !reflect.DeepEqual(c, before[i]) {
			t.Errorf("%s after the migration: %+v %v, want %+v", d, c, err, before[i])
		}
	}
	checkFeedAfter(t, s)
}

// checkForeignKeysOn holds every connection of db's pool at once (the
// migration's among them) and checks each enforces foreign keys.
func checkForeignKeysOn(t *testing.T, db *sql.DB) {
	t.Helper()
	ctx := context.Background()
	var conns []*sql.Conn
	for range db.Stats().MaxOpenConnections {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Error(err)
			break
		}
		conns = append(conns, c)
		var on int
		if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil || on != 1 {
			t.Errorf("connection %d: foreign_keys %d %v", len(conns), on, err)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO device_lines (device, button, line) VALUES ('SEPNONE', 1, '9001')"); err == nil {
		t.Error("a line of a device that does not exist was stored")
	}
}

// checkFeedAfter changes each rebuilt table by plain SQL and checks the
// change feed names every change.
func checkFeedAfter(t *testing.T, s *sqlstore.DB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	last, err := s.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.Changes(ctx, last)
	if err != nil {
		t.Fatal(err)
	}
	writes := []struct {
		q    string
		want string
	}{
		{"UPDATE lines SET display_name = 'Renamed' WHERE number = '9002'", "update line 9002"},
		{"UPDATE devices SET description = 'moved' WHERE name = 'SEPCC0000000002'", "update device SEPCC0000000002"},
		{"INSERT INTO device_lines (device, button, line) VALUES ('SEPCC0000000002', 2, '9004')", "update device SEPCC0000000002"},
		{"DELETE FROM logins WHERE device = 'SEPCC0000000003'", "delete login SEPCC0000000003"},
		{"INSERT INTO profile_lines (profile, button, line) VALUES ('ada-em', 199, '9006')", "update profile ada-em"},
		{"DELETE FROM devices WHERE name = 'SEPCC0000000005'", "delete device SEPCC0000000005"},
	}
	for _, w := range writes {
		if _, err := s.SQL().ExecContext(ctx, w.q); err != nil {
			t.Fatalf("%s: %v", w.q, err)
		}
		var c store.Change
		select {
		case c = <-ch:
		case <-ctx.Done():
			t.Fatalf("%s: no change in the feed", w.q)
		}
		if got := fmt.Sprintf("%s %s %s", c.Op, c.Kind, c.Key); got != w.want {
			t.Errorf("%s: change %s, want %s", w.q, got, w.want)
		}
	}
	var left int
	if err := s.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM device_lines WHERE device = 'SEPCC0000000005'").Scan(&left); err != nil || left != 0 {
		t.Errorf("the deleted device's lines: %d left, %v (ON DELETE CASCADE)", left, err)
	}
}

// TestMigrateWithoutRowidViolation: a database at version 3 holding a row
// whose parent is missing (stored with foreign keys off) fails the
// migration, which leaves it at version 3 with its tables as they were.
func TestMigrateWithoutRowidViolation(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cmtftp.db")
	old, _ := openAt3(t, path)
	c, err := old.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"PRAGMA foreign_keys = OFF", "INSERT INTO device_lines (device, button, line) VALUES ('SEPNONE', 1, '9001')", "PRAGMA foreign_keys = ON"} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	c.Close()
	shape := tableColumns(t, old)
	rows0, schema0 := dumpDB(t, old, shape)
	old.Close()

	if s, err := Open(ctx, path); err == nil {
		s.Close()
		t.Fatal("the migration succeeded over a foreign key violation")
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v := queryStrings(t, db, "SELECT MAX(version_id) FROM goose_db_version"); !slices.Equal(v, []string{"3"}) {
		t.Errorf("version %v after the failed migration, want 3", v)
	}
	rows1, schema1 := dumpDB(t, db, shape)
	if !slices.Equal(rows0, rows1) || !slices.Equal(schema0, schema1) {
		t.Errorf("the failed migration changed the database: %d rows before, %d after", len(rows0), len(rows1))
	}
	if n := queryStrings(t, db, "SELECT name FROM sqlite_master WHERE name LIKE 'new_%'"); len(n) != 0 {
		t.Errorf("left behind: %v", n)
	}
}

// TestMigrateWithoutRowidDown: undoing 00004 gives back rowid tables with
// every row, trigger and index, and foreign keys checked.
func TestMigrateWithoutRowidDown(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cmtftp.db")
	old, _ := openAt3(t, path)
	shape := tableColumns(t, old)
	old.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.SQL()
	rows0, schema0 := dumpDB(t, db, shape)
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 3); err != nil {
		t.Fatal(err)
	}
	rows1, schema1 := dumpDB(t, db, shape)
	if !slices.Equal(rows0, rows1) || !slices.Equal(schema0, schema1) {
		t.Errorf("down changed the database: %d rows before, %d after; schema %q, then %q", len(rows0), len(rows1), schema0, schema1)
	}
	for _, tbl := range rebuiltTables {
		var q string
		if err := db.QueryRowContext(ctx, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", tbl).Scan(&q); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(q, "WITHOUT ROWID") {
			t.Errorf("%s after down: %s", tbl, q)
		}
	}
	checkForeignKeysOn(t, db)
}
