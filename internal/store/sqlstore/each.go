package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

var _ store.Streamer = (*DB)(nil)

// Each implements store.Streamer: one statement reads the kind's rows in
// key order, joined with its child list when it has one (a record's list
// comes as consecutive rows), and hands each record to f as soon as its
// last row is read. Memory stays one record whatever the number of rows.
func (s *DB) Each(ctx context.Context, k domain.Kind, f func(domain.Entity) error) error {
	t, err := lookup(k)
	if err != nil {
		return err
	}
	rows, err := dbReader{s, ctx}.query(t.eachSQL())
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
	for rows.Next() {
		var pos sql.NullInt64
		var val sql.NullString
		e, err := t.scan(func(dest ...any) error {
			if t.child != nil {
				dest = append(dest, &pos, &val)
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

// eachSQL reads every row of t, as List does, in key order; with a child
// table, each row carries one element of the list (LEFT JOIN: a record
// with an empty list comes once, with NULLs).
func (t *table) eachSQL() string {
	if t.child == nil {
		return t.selectSQL(true) + " ORDER BY " + t.cols[0]
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
	return q + ", c." + c.pos + ", c." + c.val + " FROM " + t.name + " t LEFT JOIN " + c.name + " c ON c." + c.parent + " = t." + t.cols[0] +
		" ORDER BY t." + t.cols[0] + ", c." + c.pos
}
