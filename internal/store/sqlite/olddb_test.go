package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store/sqlstore"
)

// openAt makes the database at path migrated to version, holding what
// the current store writes for site followed by the plain SQL of fill:
// both are written to a database of the current schema (the reference,
// returned open, closed when the test ends), then every row of each
// table the old schema has is copied, in the columns it has. The store of
// today cannot write an old schema itself (its mapping names every
// current column); an old cmtftp wrote the same records in those
// columns.
func openAt(t *testing.T, path string, version int, site *domain.Site, fill ...string) (old *sql.DB, ref *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	refPath := filepath.Join(t.TempDir(), "reference.db")
	ref, err := Open(ctx, refPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ref.Close() })
	if _, err := ref.Apply(ctx, site); err != nil {
		t.Fatal(err)
	}
	for _, q := range fill {
		if _, err := ref.SQL().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	old, err = sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, old, migrationsUpTo(t, version)); err != nil {
		old.Close()
		t.Fatal(err)
	}
	copyRows(t, old, refPath)
	return old, ref
}

// copyRows copies into db every row of src (a database file) of the
// tables db has, in the columns both have; the change log is left to
// db's triggers. Foreign keys are checked once at the end.
func copyRows(t *testing.T, db *sql.DB, src string) {
	t.Helper()
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	run := func(q string, args ...any) {
		t.Helper()
		if _, err := c.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	run("PRAGMA foreign_keys = OFF")
	run("ATTACH DATABASE ? AS src", src)
	shape := tableColumns(t, db)
	for _, tbl := range slices.Sorted(func(yield func(string) bool) {
		for k := range shape {
			if !yield(k) {
				return
			}
		}
	}) {
		if tbl == "changes" {
			continue
		}
		var cols []string
		for _, col := range shape[tbl] {
			var n int
			if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM pragma_table_info(?, 'src') WHERE name = ?", tbl, col).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 1 {
				cols = append(cols, col)
			}
		}
		list := strings.Join(cols, ", ")
		run("DELETE FROM main." + tbl)
		run("INSERT INTO main." + tbl + " (" + list + ") SELECT " + list + " FROM src." + tbl)
	}
	run("DETACH DATABASE src")
	run("PRAGMA foreign_keys = ON")
	if v := queryConn(t, c, "SELECT \"table\" FROM pragma_foreign_key_check"); len(v) != 0 {
		t.Fatalf("copied rows break foreign keys: %v", v)
	}
}

// tableColumns returns the columns of every table of db but goose's, by
// table.
func tableColumns(t *testing.T, db *sql.DB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, tbl := range queryStrings(t, db, "SELECT name FROM sqlite_master WHERE type = 'table'"+
		" AND name NOT IN ('goose_db_version', 'sqlite_sequence')") {
		out[tbl] = queryStrings(t, db, "SELECT name FROM pragma_table_info('"+tbl+"') ORDER BY cid")
	}
	return out
}

// queryConn returns the first column of q's rows on c.
func queryConn(t *testing.T, c *sql.Conn, q string) []string {
	t.Helper()
	rows, err := c.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
