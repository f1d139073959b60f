package sqlstore_test

import (
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
)

// wholeTables are read in full by design (a handful of parameter rows per
// site), so a scan of them is no fault.
var wholeTables = map[string]bool{"enterprise_params": true, "service_params": true}

// knownScans are the statements that read a whole table by design, with
// why: each is named here, so any other scan still fails.
var knownScans = map[string]string{
	// The lines of a gateway's endpoints are in its JSON column, which no
	// index reaches; gateways are added by hand (a site has hundreds, not
	// the hundred thousands of its phones), and only a line's delete asks.
	"Delete line: first user in gateways.endpoints": "gateways",
}

// scanRe matches a step of a query plan that reads every row of a table,
// with or without an index ("SCAN d", "SCAN d USING INDEX …"): only
// "SEARCH" steps use a key.
var scanRe = regexp.MustCompile(`^SCAN (\w+)`)

// TestQueryPlans: no statement DeviceConfig, the change feed or Delete's
// look-ups runs reads a whole table on SQLite (EXPLAIN QUERY PLAN), so
// loading one device's configuration costs the same with 1,000 devices as
// with 1,000,000. A statement known to scan must be caught, so the check
// cannot pass by reading plans it no longer understands.
func TestQueryPlans(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "cmtftp.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := scans(t, db, "SELECT name FROM devices d WHERE d.description = ?"); len(got) != 1 {
		t.Fatalf("a lookup by an unindexed column: scans %v, want one SCAN step", got)
	}
	stmts := sqlstore.Statements(db)
	for name := range knownScans {
		if _, ok := stmts[name]; !ok {
			t.Errorf("knownScans names %q, which is no statement of the store", name)
		}
	}
	for name, q := range stmts {
		got := scans(t, db, q)
		if tbl, ok := knownScans[name]; ok {
			if !slices.Equal(got, []string{"SCAN " + tbl}) && !(len(got) == 1 && strings.HasPrefix(got[0], "SCAN "+tbl+" ")) {
				t.Errorf("%s: scans %v, want one scan of %s (knownScans)", name, got, tbl)
			}
			continue
		}
		if len(got) > 0 {
			t.Errorf("%s reads a whole table (%s); plan:\n  %s\nstatement: %s", name, strings.Join(got, ", "),
				strings.Join(queryPlan(t, db, q), "\n  "), q)
		}
	}
}

// TestEachPlans: Each reads every kind in key order straight off the
// indexes, never sorting all rows into a temporary B-tree, which would
// hold the whole table before the first record came out (sorting one
// record's list, "FOR LAST TERM OF ORDER BY", holds only that list).
func TestEachPlans(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "cmtftp.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if plan := queryPlan(t, db, "SELECT name FROM devices ORDER BY description"); !slices.ContainsFunc(plan, isSort) {
		t.Fatalf("an unindexed ORDER BY: plan %v has no sort step", plan)
	}
	for k, q := range sqlstore.EachStatements() {
		if plan := queryPlan(t, db, q); slices.ContainsFunc(plan, isSort) {
			t.Errorf("Each %s sorts; plan:\n  %s\nstatement: %s", k, strings.Join(plan, "\n  "), q)
		}
	}
}

// isSort reports whether a plan step sorts all rows into a temporary B-tree.
func isSort(step string) bool { return step == "USE TEMP B-TREE FOR ORDER BY" }

// scans returns the steps of q's plan that read every row of a table
// other than wholeTables.
func scans(t *testing.T, db *sqlstore.DB, q string) []string {
	t.Helper()
	var out []string
	for _, step := range queryPlan(t, db, q) {
		if m := scanRe.FindStringSubmatch(step); m != nil && !wholeTables[tableOf(m[1], q)] {
			out = append(out, step)
		}
	}
	return out
}

// queryPlan returns the detail column of EXPLAIN QUERY PLAN for q, with
// every placeholder bound to a string.
func queryPlan(t *testing.T, db *sqlstore.DB, q string) []string {
	t.Helper()
	args := make([]any, strings.Count(q, "?"))
	for i := range args {
		args[i] = "x"
	}
	rows, err := db.SQL().QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

// tableOf resolves an alias of q ("d" in "FROM devices d") to its table.
func tableOf(name, q string) string {
	m := regexp.MustCompile(`(?:FROM|JOIN) (\w+) (?:AS )?` + regexp.QuoteMeta(name) + `\b`).FindStringSubmatch(q)
	if m == nil {
		return name
	}
	return m[1]
}
