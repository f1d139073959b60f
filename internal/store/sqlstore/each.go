package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

var (
	_ store.Streamer      = (*DB)(nil)
	_ store.RangeStreamer = (*DB)(nil)
)

// Each implements store.Streamer: one statement reads the kind's rows in
// key order, joined with its child list when it has one (a record's list
// comes as consecutive rows), and hands each record to f as soon as its
// last row is read. Memory stays one record whatever the number of rows.
func (s *DB) Each(ctx context.Context, k domain.Kind, f func(domain.Entity) error) error {
	return s.EachRange(ctx, k, "", "", f)
}

// EachRange implements store.RangeStreamer: Each's statement, bounded to
// the keys from (inclusive) to (exclusive); "" leaves a side unbounded.
func (s *DB) EachRange(ctx context.Context, k domain.Kind, from, to string, f func(domain.Entity) error) error {
	t, err := lookup(k)
	if err != nil {
		return err
	}
	q, args := t.eachRangeSQL(from, to)
	rows, err := dbReader{s, ctx}.query(q, args...)
	if err != nil {
		return s.wrap(err)
	}
	defer rows.Close()
	var cur domain.Entity
	var kids []pair
	flush := func() error {
		if cur == nil {
			return nil
		}
		if t.child != nil {
			t.child.set(cur, kids)
		}
		return f(cur)
	}
	var pos sql.NullInt64
	var val sql.NullString
	var full []any
	peek := newRowPeek(t, &pos, &val)
	for rows.Next() {
		// A record with a list comes as consecutive rows: the rows after
		// its first are read for the list element only, not decoded again.
		if more, err := peek.continues(rows, cur, &kids); err != nil {
			return s.wrap(err)
		} else if more {
			continue
		}
		e, err := t.scan(func(dest ...any) error {
			if t.child != nil {
				full = append(append(full[:0], dest...), &pos, &val)
				dest = full
			}
			return rows.Scan(dest...)
		})
		if err != nil {
			return s.wrap(err)
		}
		if cur == nil || e.Key() != cur.Key() {
			if err := flush(); err != nil {
				return err
			}
			cur, kids = e, kids[:0]
		}
		if pos.Valid {
			kids = append(kids, pair{int(pos.Int64), val.String})
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return s.wrap(err)
	}
	return flush()
}

// rowPeek reads a row of a table with a child list cheaply: its key column
// compared with the record being assembled, its list element (into pos
// and val), and nothing of the other columns.
type rowPeek struct {
	dest []any
	pos  *sql.NullInt64
	val  *sql.NullString
	key  string
	same bool // the row's key column is key
}

// newRowPeek returns the rowPeek of t, nil when t has no child list.
func newRowPeek(t *table, pos *sql.NullInt64, val *sql.NullString) *rowPeek {
	if t.child == nil {
		return nil
	}
	p := &rowPeek{pos: pos, val: val}
	p.dest = append(p.dest, keyScanner{p})
	for range len(t.columns) - 1 {
		p.dest = append(p.dest, skipScanner{})
	}
	p.dest = append(p.dest, pos, val)
	return p
}

// continues reports whether the current row of rows is one more list
// element of cur (nil: none yet), appending the element to kids if so.
func (p *rowPeek) continues(rows *sql.Rows, cur domain.Entity, kids *[]pair) (bool, error) {
	if p == nil || cur == nil {
		return false, nil
	}
	p.key, p.same = cur.Key(), false
	if err := rows.Scan(p.dest...); err != nil || !p.same {
		return false, err
	}
	if p.pos.Valid {
		*kids = append(*kids, pair{int(p.pos.Int64), p.val.String})
	}
	return true, nil
}

// keyScanner compares a key column with its rowPeek's key, copying nothing.
type keyScanner struct{ p *rowPeek }

// Scan implements sql.Scanner.
func (k keyScanner) Scan(src any) error {
	switch v := src.(type) {
	case string:
		k.p.same = v == k.p.key
	case []byte:
		k.p.same = string(v) == k.p.key
	}
	return nil
}

// skipScanner reads a column it does not need.
type skipScanner struct{}

// Scan implements sql.Scanner.
func (skipScanner) Scan(any) error { return nil }

// SplitKeys implements store.RangeStreamer: it counts the records of k
// and reads the key at each n-th of the count off the key index.
func (s *DB) SplitKeys(ctx context.Context, k domain.Kind, n int) ([]string, error) {
	t, err := lookup(k)
	if err != nil {
		return nil, err
	}
	r := dbReader{s, ctx}
	var count int
	if err := r.queryRow("SELECT count(*) FROM " + t.name).Scan(&count); err != nil {
		return nil, s.wrap(err)
	}
	var keys []string
	for i := 1; i < n && count >= n; i++ {
		var key string
		q := "SELECT " + t.cols[0] + " FROM " + t.name + " ORDER BY " + t.cols[0] + " LIMIT 1 OFFSET ?"
		if err := r.queryRow(q, i*count/n).Scan(&key); err != nil {
			return nil, s.wrap(err)
		}
		keys = append(keys, key)
	}
	return keys, nil
}

// eachSQL reads every row of t, as List does, in key order. With a child
// table, each row carries one element of the list (LEFT JOIN: a record
// with an empty list comes once, with NULLs).
func (t *table) eachSQL() string { return t.eachListSQL("") }

// eachRangeSQL is eachSQL for the keys from (inclusive) to (exclusive), ""
// leaving a side open, with the arguments of its placeholders.
func (t *table) eachRangeSQL(from, to string) (string, []any) {
	key := t.cols[0]
	if t.child != nil {
		key = "t." + key
	}
	where, args := "", []any(nil)
	for _, b := range []struct{ op, v string }{{" >= ?", from}, {" < ?", to}} {
		if b.v == "" {
			continue
		}
		if where == "" {
			where = " WHERE "
		} else {
			where += " AND "
		}
		where += key + b.op
		args = append(args, b.v)
	}
	return t.eachListSQL(where), args
}

// eachListSQL is eachSQL with the condition where ("" or " WHERE …").
func (t *table) eachListSQL(where string) string {
	if t.child == nil {
		return t.selectSQL(true) + where + " ORDER BY " + t.cols[0]
	}
	cols := t.cols
	if t.listCols != nil {
		cols = t.listCols
	}
	q := "SELECT "
	for i, c := range cols {
		if i > 0 {
			q += ", "
		}
		if c != "NULL" {
			c = "t." + c
		}
		q += c
	}
	c := t.child
	return q + ", c." + c.pos + ", c." + c.val + " FROM " + t.name + " t LEFT JOIN " + c.name + " c ON c." + c.parent + " = t." + t.cols[0] + where +
		" ORDER BY t." + t.cols[0] + ", c." + c.pos
}
