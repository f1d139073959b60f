package sqlstore

import (
	"context"
	"strings"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

var _ store.DeviceSearcher = (*DB)(nil)

// SearchDevices implements store.DeviceSearcher: one statement reads the
// page's devices off the name index (keyset paging: name > After, in name
// order, at most Limit), a second the lines of those devices, both in one
// read transaction. Text matches, case-insensitively and as a literal
// substring (% and _ are no wildcards), the name, the description, a
// line's number or the MAC — the MAC also when typed with separators
// (00:11:22, 0011.22aa). SQLite folds only ASCII letters.
func (s *DB) SearchDevices(ctx context.Context, q store.DeviceQuery) ([]domain.Device, error) {
	t, err := lookup(domain.KindDevice)
	if err != nil {
		return nil, err
	}
	limit := clampLimit(q.Limit)
	var out []domain.Device
	err = s.inReadTx(ctx, func(x *tx) error {
		page, err := searchPage(x, t, q, limit)
		if err != nil || len(page) == 0 {
			return err
		}
		if err := searchLines(x, t.child, page); err != nil {
			return err
		}
		out = make([]domain.Device, len(page))
		for i, e := range page {
			out[i] = *e.(*domain.Device)
		}
		return nil
	})
	return out, s.wrap(err)
}

// clampLimit brings a page size into 1–store.MaxSearchLimit; 0 (unset) or
// less asks for the largest page.
func clampLimit(n int) int {
	if n <= 0 || n > store.MaxSearchLimit {
		return store.MaxSearchLimit
	}
	return n
}

// searchPage reads up to limit devices matching q, without their lines.
func searchPage(x *tx, t *table, q store.DeviceQuery, limit int) ([]domain.Entity, error) {
	sqlText, args := searchSQL(t, q, limit)
	rows, err := x.query(sqlText, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var page []domain.Entity
	for rows.Next() {
		e, err := t.scan(rows.Scan)
		if err != nil {
			return nil, err
		}
		page = append(page, e)
	}
	return page, rows.Err()
}

// searchSQL is the page statement for q with its arguments: one of two
// texts (with and without a filter), so both stay prepared.
func searchSQL(t *table, q store.DeviceQuery, limit int) (string, []any) {
	base := t.selectSQL(true) + " WHERE " + t.cols[0] + " > ?"
	tail := " ORDER BY " + t.cols[0] + " LIMIT ?"
	if q.Text == "" {
		return base + tail, []any{q.After, limit}
	}
	c := t.child
	like := " LIKE ? ESCAPE '\\'"
	filter := " AND (lower(" + t.cols[0] + ")" + like +
		" OR lower(description)" + like +
		" OR mac" + like +
		" OR " + t.cols[0] + " IN (SELECT " + c.parent + " FROM " + c.name + " WHERE lower(" + c.val + ")" + like + "))"
	text := containsPattern(strings.ToLower(q.Text))
	return base + filter + tail, []any{q.After, text, text, macPattern(q.Text), text, limit}
}

// containsPattern is a LIKE pattern (escape character \) matching any
// text that contains s literally.
func containsPattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// macPattern is the LIKE pattern for the MAC column (12 upper-case hex
// digits): s without the separators people type in MACs when what is left
// is hex digits, else s itself upper-cased.
func macPattern(s string) string {
	bare := strings.Map(func(r rune) rune {
		switch r {
		case ':', '.', '-', ' ':
			return -1
		}
		return r
	}, s)
	if bare != "" && strings.Trim(strings.ToLower(bare), "0123456789abcdef") == "" {
		s = bare
	}
	return containsPattern(strings.ToUpper(s))
}

// searchBuckets are the sizes the lines statement's IN list is padded to,
// so that a handful of statement texts serve every page size.
var searchBuckets = []int{8, 32, 128, store.MaxSearchLimit}

// searchLines reads the lines of the page's devices in one statement and
// sets them on the records.
func searchLines(x *tx, c *child, page []domain.Entity) error {
	n := searchBuckets[len(searchBuckets)-1]
	for _, b := range searchBuckets {
		if len(page) <= b {
			n = b
			break
		}
	}
	at := make(map[string]int, len(page))
	args := make([]any, n)
	for i := range args {
		j := min(i, len(page)-1) // the padding repeats the last name
		at[page[j].Key()] = j
		args[i] = page[j].Key()
	}
	q := "SELECT " + c.parent + ", " + c.pos + ", " + c.val + " FROM " + c.name + " WHERE " + c.parent +
		" IN (?" + strings.Repeat(", ?", n-1) + ") ORDER BY " + c.parent + ", " + c.pos
	kids := make([][]pair, len(page))
	rows, err := x.query(q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	parent := kidParent{at: at}
	var pos intScanner
	var val string
	for rows.Next() {
		if err := rows.Scan(&parent, &pos, &val); err != nil {
			return err
		}
		if parent.i >= 0 {
			kids[parent.i] = append(kids[parent.i], pair{int(pos), val})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i, e := range page {
		c.set(e, kids[i])
	}
	return nil
}
