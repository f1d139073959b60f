package sqlstore_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
)

// TestColumnsMatchMigrations: every kind has a table mapping, and the
// columns derived from its db tags are the migrated table's, no more and
// no fewer (so a mistyped tag fails here, not in production). The order
// is not compared: the store names every column it reads and writes, and
// a column a later migration adds (ALTER TABLE … ADD COLUMN) comes last
// in the table wherever its field sits in the record type.
func TestColumnsMatchMigrations(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "cmtftp.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	columnsOf := func(table string) []string {
		rows, err := db.SQL().QueryContext(ctx, "SELECT name FROM pragma_table_info(?) ORDER BY cid", table)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var cols []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return cols
	}
	for _, k := range domain.Kinds() {
		name, cols, childName, childCols, ok := sqlstore.Columns(k)
		if !ok {
			t.Errorf("%s: no table mapping", k)
			continue
		}
		if got := columnsOf(name); !sameSet(cols, got) {
			t.Errorf("%s: db tags give %s(%v); the migration has %v", k, name, cols, got)
		}
		if childName == "" {
			continue
		}
		if got := columnsOf(childName); !sameSet(childCols, got) {
			t.Errorf("%s: db tags give child %s(%v); the migration has %v", k, childName, childCols, got)
		}
	}
}

// sameSet reports whether a and b hold the same names (each once).
func sameSet(a, b []string) bool {
	a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	return slices.Equal(a, b) && len(slices.Compact(a)) == len(b)
}
