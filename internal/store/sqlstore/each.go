package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

var (
	_ store.Streamer      = (*DB)(nil)
	_ store.RangeStreamer = (*DB)(nil)
)

// Each implements store.Streamer: the kind's rows in key order, each
// record handed to f as soon as it is read. A kind with a child list is
// read in chunks of eachChunk records, each chunk's lists by a second
// statement, all in one read transaction. Memory stays one chunk whatever
// the number of rows.
func (s *DB) Each(ctx context.Context, k domain.Kind, f func(domain.Entity) error) error {
	return s.EachRange(ctx, k, "", "", f)
}

// EachRange implements store.RangeStreamer: Each for the keys from
// (inclusive) to (exclusive); "" leaves a side unbounded.
func (s *DB) EachRange(ctx context.Context, k domain.Kind, from, to string, f func(domain.Entity) error) error {
	t, err := lookup(k)
	if err != nil {
		return err
	}
	if t.child != nil {
		return s.wrap(s.inReadTx(ctx, func(x *tx) error { return eachChunked(x, t, from, to, f) }))
	}
	q, args := t.eachRangeSQL(from, to)
	rows, err := dbReader{s, ctx}.query(q, args...)
	if err != nil {
		return s.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := t.scan(func(dest ...any) error { return rows.Scan(dest...) })
		if err != nil {
			return s.wrap(err)
		}
		if err := f(e); err != nil {
			return err
		}
	}
	return s.wrap(errors.Join(rows.Err(), rows.Close()))
}

// eachChunk is how many records of a kind with a child list eachChunked
// reads at a time: the lists of a chunk are one range scan of the child
// table, not one look-up a record, and the record's own columns are read
// once, not once per list element as a join would repeat them.
const eachChunk = 1024

// eachChunked calls f for every record of t (a kind with a child list)
// whose key is in [from, to), in key order, reading them eachChunk at a
// time through x: the records, then the list elements of their key range.
func eachChunked(x *tx, t *table, from, to string, f func(domain.Entity) error) error {
	chunk := make([]domain.Entity, 0, eachChunk)
	at := map[string]int{}
	kids := make([][]pair, eachChunk)
	for first := true; ; first = false {
		var err error
		if chunk, err = readChunk(x, t, chunk[:0], from, to, first); err != nil {
			return err
		}
		if len(chunk) == 0 {
			return nil
		}
		clear(at)
		for i, e := range chunk {
			at[e.Key()] = i
			kids[i] = kids[i][:0]
		}
		if err := readKids(x, t.child, chunk[0].Key(), chunk[len(chunk)-1].Key(), at, kids); err != nil {
			return err
		}
		for i, e := range chunk {
			t.child.set(e, kids[i])
			if err := f(e); err != nil {
				return err
			}
		}
		if len(chunk) < eachChunk {
			return nil
		}
		from = chunk[len(chunk)-1].Key()
	}
}

// readChunk appends to chunk up to eachChunk records of t, without their
// lists, in key order: keys ≥ from when first (> from after), < to ("" for
// either: unbounded).
func readChunk(x *tx, t *table, chunk []domain.Entity, from, to string, first bool) ([]domain.Entity, error) {
	var args []any
	for _, v := range []string{from, to} {
		if v != "" {
			args = append(args, v)
		}
	}
	rows, err := x.query(t.chunkSQL(from != "", to != "", first), args...)
	if err != nil {
		return chunk, err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := t.scan(func(dest ...any) error { return rows.Scan(dest...) })
		if err != nil {
			return chunk, err
		}
		chunk = append(chunk, e)
	}
	return chunk, errors.Join(rows.Err(), rows.Close())
}

// readKids reads the list elements of c whose parent key is in [first,
// last], in order, into kids at the index at gives each parent.
func readKids(x *tx, c *child, first, last string, at map[string]int, kids [][]pair) error {
	rows, err := x.query(c.kidsSQL(), first, last)
	if err != nil {
		return err
	}
	defer rows.Close()
	var parent kidParent
	parent.at = at
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
	return errors.Join(rows.Err(), rows.Close())
}

// intScanner scans an integer column as the driver gives it (int64), where
// database/sql would format it as text and parse it back into an int.
type intScanner int64

// Scan implements sql.Scanner.
func (n *intScanner) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*n = intScanner(v)
	case int32:
		*n = intScanner(v)
	default:
		var x sql.NullInt64
		if err := x.Scan(src); err != nil {
			return err
		}
		*n = intScanner(x.Int64)
	}
	return nil
}

// kidParent scans a child row's parent key into the index of its record
// in the chunk (-1: not one of the chunk's), copying nothing.
type kidParent struct {
	at map[string]int
	i  int
}

// Scan implements sql.Scanner.
func (k *kidParent) Scan(src any) error {
	var ok bool
	switch v := src.(type) {
	case string:
		k.i, ok = k.at[v]
	case []byte:
		k.i, ok = k.at[string(v)]
	}
	if !ok {
		k.i = -1
	}
	return nil
}

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

// eachSQL is the statement Each runs for t (with a child list: the one
// that reads a chunk of records, after the first, below an upper bound).
func (t *table) eachSQL() string {
	if t.child != nil {
		return t.chunkSQL(true, true, false)
	}
	q, _ := t.eachRangeSQL("", "")
	return q
}

// eachRangeSQL reads the rows of t (a kind without a child list) whose
// keys are from (inclusive) to (exclusive), "" leaving a side open, in key
// order, with the arguments of its placeholders.
func (t *table) eachRangeSQL(from, to string) (string, []any) {
	var args []any
	for _, v := range []string{from, to} {
		if v != "" {
			args = append(args, v)
		}
	}
	return t.boundedSQL(from != "", to != "", true), args
}

// chunkSQL reads eachChunk records of t in key order, bounded below by a
// first placeholder when lower (≥ when first, > after) and above (<) by
// the next when upper.
func (t *table) chunkSQL(lower, upper, first bool) string {
	return t.boundedSQL(lower, upper, first) + " LIMIT " + strconv.Itoa(eachChunk)
}

// boundedSQL is List's statement for t in key order, bounded as chunkSQL's.
func (t *table) boundedSQL(lower, upper, first bool) string {
	key := t.cols[0]
	var conds []string
	if lower {
		op := " > ?"
		if first {
			op = " >= ?"
		}
		conds = append(conds, key+op)
	}
	if upper {
		conds = append(conds, key+" < ?")
	}
	q := t.selectSQL(true)
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	return q + " ORDER BY " + key
}

// kidsSQL reads the list elements of the parents with keys between two
// placeholders (inclusive), in order.
func (c *child) kidsSQL() string {
	return "SELECT " + c.parent + ", " + c.pos + ", " + c.val + " FROM " + c.name + " WHERE " + c.parent + " >= ? AND " +
		c.parent + " <= ? ORDER BY " + c.parent + ", " + c.pos
}
