package sqlstore

import (
	"fmt"
	"strings"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// Apply works on groups of records of one kind: each group is read with a
// few IN queries, checked record by record, and written with multi-row
// INSERTs, so a bulk import costs a handful of statements per group rather
// than a dozen per record.
const (
	// groupMax is the most records of one group.
	groupMax = 500
	// maxParams bounds the placeholders of one statement (SQLite allows
	// 32,766, PostgreSQL 65,535).
	maxParams = 30_000
)

// applyGroups writes es (in apply order) group by group.
// Custom files go one at a time: their stored versions, read before they
// are replaced, may be far larger than the document that replaces them.
func (x *tx) applyGroups(es []domain.Entity, res *store.ApplyResult) error {
	for len(es) > 0 {
		n, most := 1, groupMax
		if es[0].Kind() == domain.KindFile {
			most = 1
		}
		for n < len(es) && n < most && es[n].Kind() == es[0].Kind() {
			n++
		}
		done, err := x.putGroup(es[:n], res)
		if err != nil {
			return err
		}
		es = es[done:]
	}
	return nil
}

// putGroup validates, checks and writes records of one kind, as put does
// one by one. It stops before a key the group already holds (that record
// must see the first as its old version) and returns how many it wrote.
func (x *tx) putGroup(es []domain.Entity, res *store.ApplyResult) (int, error) {
	t, err := lookup(es[0].Kind())
	if err != nil {
		return 0, err
	}
	keys := make([]string, 0, len(es))
	seen := make(map[string]bool, len(es))
	for i, e := range es {
		if m, ok := e.(*domain.Model); ok {
			m.Builtin = false
		}
		if err := domain.Normalize(e); err != nil {
			return 0, err
		}
		if seen[e.Key()] {
			es = es[:i]
			break
		}
		seen[e.Key()] = true
		keys = append(keys, e.Key())
	}
	olds, err := x.getMany(t, keys)
	if err != nil {
		return 0, err
	}
	var inserts, updates []domain.Entity
	for _, e := range es {
		old := olds[e.Key()]
		if err := x.checkRefs(e); err != nil {
			return 0, err
		}
		if err := x.checkRecord(e, old); err != nil {
			return 0, err
		}
		x.markKnown(e)
		if old != nil && same(old, e) {
			res.Unchanged++
			continue
		}
		x.forget(e)
		x.noteWritten(e)
		if old == nil {
			inserts = append(inserts, e)
		} else {
			updates = append(updates, e)
		}
	}
	return len(es), x.writeGroup(t, inserts, updates, olds, res)
}

// writeGroup updates the changed records, inserts the new ones, and
// rewrites the child lists that differ. Updates go first: an update can
// free a unique value (a MAC moved to a new device) that an insert of the
// same group takes, while an insert frees nothing.
func (x *tx) writeGroup(t *table, inserts, updates []domain.Entity, olds map[string]domain.Entity, res *store.ApplyResult) error {
	for _, e := range updates {
		if err := x.writeRow(t, e, false, res); err != nil {
			return err
		}
	}
	if err := x.insertRows(t, inserts, res); err != nil {
		return err
	}
	c := t.child
	if c == nil {
		return nil
	}
	var kids []childRow
	for _, es := range [][]domain.Entity{inserts, updates} {
		for _, e := range es {
			var oldKids []pair
			if old := olds[e.Key()]; old != nil {
				oldKids = c.get(old)
			}
			ps := c.get(e)
			if samePairs(oldKids, ps) {
				continue
			}
			if len(oldKids) > 0 {
				if _, err := x.exec(fmt.Sprintf("DELETE FROM %s WHERE %s = ?", c.name, c.parent), e.Key()); err != nil {
					return err
				}
			}
			for _, p := range ps {
				kids = append(kids, childRow{e.Key(), p})
			}
		}
	}
	return x.insertChildren(c, kids)
}

// childRow is one row of a child table.
type childRow struct {
	parent string
	pair
}

// insertRows inserts new records with multi-row INSERTs. A failed
// statement is undone (to a savepoint) and its rows written one at a time,
// so the error names the record at fault as put's would.
func (x *tx) insertRows(t *table, es []domain.Entity, res *store.ApplyResult) error {
	per := max(1, min(groupMax, maxParams/len(t.cols)))
	for len(es) > 0 {
		n := min(per, len(es))
		args := make([]any, 0, n*len(t.cols))
		for _, e := range es[:n] {
			args = append(args, t.vals(e)...)
		}
		q := fmt.Sprintf("INSERT INTO %s (%s) VALUES %s", t.name, strings.Join(t.cols, ", "), valueRows(n, len(t.cols)))
		err := x.savepoint(func() error { _, err := x.exec(q, args...); return err })
		if err != nil {
			for _, e := range es[:n] {
				if err := x.writeRow(t, e, true, res); err != nil {
					return err
				}
			}
		} else {
			res.Created += n
		}
		es = es[n:]
	}
	return nil
}

// insertChildren inserts child rows with multi-row INSERTs.
func (x *tx) insertChildren(c *child, kids []childRow) error {
	per := maxParams / 3
	for len(kids) > 0 {
		n := min(per, len(kids), groupMax*4)
		args := make([]any, 0, n*3)
		for _, k := range kids[:n] {
			args = append(args, k.parent, k.pos, k.val)
		}
		q := fmt.Sprintf("INSERT INTO %s (%s, %s, %s) VALUES %s", c.name, c.parent, c.pos, c.val, valueRows(n, 3))
		if _, err := x.exec(q, args...); err != nil {
			return err
		}
		kids = kids[n:]
	}
	return nil
}

// savepoint runs f; if it fails, what f wrote is undone and the
// transaction stays usable (PostgreSQL aborts a transaction at its first
// failed statement otherwise).
func (x *tx) savepoint(f func() error) error {
	if _, err := x.tx.ExecContext(x.ctx, "SAVEPOINT bulk"); err != nil {
		return err
	}
	if err := f(); err != nil {
		if _, rerr := x.tx.ExecContext(x.ctx, "ROLLBACK TO SAVEPOINT bulk"); rerr != nil {
			return rerr
		}
		_, rerr := x.tx.ExecContext(x.ctx, "RELEASE SAVEPOINT bulk")
		return errOr(rerr, err)
	}
	_, err := x.tx.ExecContext(x.ctx, "RELEASE SAVEPOINT bulk")
	return err
}

// errOr returns err, or alt when err is nil.
func errOr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}

// valueRows returns n rows of cols placeholders: "(?, ?), (?, ?)".
func valueRows(n, cols int) string {
	one := "(" + placeholders(cols) + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
}

// getMany reads the stored records of t with the given keys, with their
// child lists, by key.
func (x *tx) getMany(t *table, keys []string) (map[string]domain.Entity, error) {
	out := make(map[string]domain.Entity, len(keys))
	for len(keys) > 0 {
		n := min(groupMax, len(keys))
		if err := x.getSome(t, keys[:n], out); err != nil {
			return nil, err
		}
		keys = keys[n:]
	}
	return out, nil
}

// getSome reads the records with keys (at most groupMax) into out.
func (x *tx) getSome(t *table, keys []string, out map[string]domain.Entity) error {
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	in := "(" + placeholders(len(keys)) + ")"
	rows, err := x.query(t.selectSQL(false)+" WHERE "+t.cols[0]+" IN "+in, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := t.scan(rows.Scan)
		if err != nil {
			return err
		}
		out[e.Key()] = e
	}
	if err := rows.Err(); err != nil || t.child == nil || len(out) == 0 {
		return err
	}
	return listChildren(x, t.child, out, fmt.Sprintf(" WHERE %s IN %s", t.child.parent, in), args...)
}

// cachedGet returns a record read in this transaction, reading it the
// first time: a bulk import's devices name the same model and dial plan
// thousands of times. Writes of a record drop it (forget).
func (x *tx) cachedGet(k domain.Kind, key string) (domain.Entity, error) {
	if e, ok := x.recs[k][key]; ok {
		return e, nil
	}
	e, err := get(x, k, key)
	if err != nil {
		return nil, err
	}
	m := x.recs[k]
	if m == nil {
		m = map[string]domain.Entity{}
		x.recs[k] = m
	}
	m[key] = e
	return e, nil
}

// forget drops e's kind and key from the transaction's record cache.
func (x *tx) forget(e domain.Entity) {
	delete(x.recs[e.Kind()], e.Key())
}
