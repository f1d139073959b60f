package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

func lookup(k domain.Kind) (*table, error) {
	t, ok := tables[k]
	if !ok {
		return nil, fmt.Errorf("%w: unknown kind %q", domain.ErrInvalid, k)
	}
	return t, nil
}

// Get implements store.Store.
func (s *DB) Get(ctx context.Context, k domain.Kind, key string) (domain.Entity, error) {
	var e domain.Entity
	err := s.read(ctx, func(r reader) error {
		var err error
		e, err = get(r, k, key)
		return err
	})
	if f, ok := e.(*domain.CustomFile); ok && err == nil {
		err = s.fileData(ctx, f) // the bytes, when small enough to return inline
	}
	return e, s.wrap(err)
}

// List implements store.Store.
func (s *DB) List(ctx context.Context, k domain.Kind) ([]domain.Entity, error) {
	t, err := lookup(k)
	if err != nil {
		return nil, err
	}
	var out []domain.Entity
	err = s.read(ctx, func(r reader) error {
		rows, err := r.query(t.selectSQL(true) + " ORDER BY " + t.cols[0])
		if err != nil {
			return err
		}
		defer rows.Close()
		byKey := map[string]domain.Entity{}
		for rows.Next() {
			e, err := t.scan(rows.Scan)
			if err != nil {
				return err
			}
			out = append(out, e)
			byKey[e.Key()] = e
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if t.child == nil {
			return nil
		}
		return listChildren(r, t.child, byKey, "")
	})
	return out, s.wrap(err)
}

// listChildren reads the rows of child table c (every row, or those that
// where — " WHERE …" with args — picks) and sets each parent's list on the
// matching record in byKey.
func listChildren(r reader, c *child, byKey map[string]domain.Entity, where string, args ...any) error {
	crows, err := r.query(fmt.Sprintf("SELECT %s, %s, %s FROM %s%s ORDER BY %s, %s", c.parent, c.pos, c.val, c.name, where, c.parent, c.pos), args...)
	if err != nil {
		return err
	}
	defer crows.Close()
	kids := map[string][]pair{}
	for crows.Next() {
		var parent string
		var p pair
		if err := crows.Scan(&parent, &p.pos, &p.val); err != nil {
			return err
		}
		kids[parent] = append(kids[parent], p)
	}
	for key, ps := range kids {
		if e, ok := byKey[key]; ok {
			c.set(e, ps)
		}
	}
	return crows.Err()
}

// reader is what read-only queries need; both *DB (outside a transaction)
// and *tx provide it.
type reader interface {
	query(q string, args ...any) (*sql.Rows, error)
	queryRow(q string, args ...any) row
}

type dbReader struct {
	s   *DB
	ctx context.Context
}

func (r dbReader) query(q string, args ...any) (*sql.Rows, error) {
	st, err := r.s.stmt(r.ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(r.ctx, args...)
}

func (r dbReader) queryRow(q string, args ...any) row {
	st, err := r.s.stmt(r.ctx, q)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(r.ctx, args...)
}

// row is a single-row result: *sql.Row, or errRow when the statement
// could not even be prepared (the error must not read as "no rows").
type row interface{ Scan(dest ...any) error }

type errRow struct{ err error }

func (e errRow) Scan(...any) error { return e.err }

func (s *DB) read(ctx context.Context, f func(reader) error) error {
	return f(dbReader{s, ctx})
}

// get reads one record with its child list.
func get(r reader, k domain.Kind, key string) (domain.Entity, error) {
	t, err := lookup(k)
	if err != nil {
		return nil, err
	}
	e, err := t.scan(r.queryRow(t.getSQL(), key).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s %q", domain.ErrNotFound, k, key)
	}
	if err != nil {
		return nil, err
	}
	if c := t.child; c != nil {
		rows, err := r.query(c.getSQL(), key)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var ps []pair
		for rows.Next() {
			var p pair
			if err := rows.Scan(&p.pos, &p.val); err != nil {
				return nil, err
			}
			ps = append(ps, p)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		c.set(e, ps)
	}
	return e, nil
}

// Put implements store.Store.
func (s *DB) Put(ctx context.Context, e domain.Entity) (bool, error) {
	var res store.ApplyResult
	err := s.inTx(ctx, func(t *tx) error { return t.putChecked(e, false, &res) })
	return res.Created+res.Updated > 0, err
}

// Create implements store.Store.
func (s *DB) Create(ctx context.Context, e domain.Entity) error {
	var res store.ApplyResult
	return s.inTx(ctx, func(t *tx) error { return t.putChecked(e, true, &res) })
}

// Apply implements store.Store.
func (s *DB) Apply(ctx context.Context, site *domain.Site) (store.ApplyResult, error) {
	var res store.ApplyResult
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.applyGroups(site.Entities(), &res); err != nil {
			return err
		}
		return t.checkWritten()
	})
	if err != nil {
		return store.ApplyResult{}, err
	}
	return res, nil
}

// Delete implements store.Store.
func (s *DB) Delete(ctx context.Context, k domain.Kind, key string) error {
	t, err := lookup(k)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(x *tx) error {
		if k == domain.KindModel {
			if m, err := get(x, k, key); err == nil && m.(*domain.Model).Builtin {
				return fmt.Errorf("%w: model %q is in the built-in catalogue", domain.ErrReadOnly, key)
			}
		}
		if err := x.checkUnused(k, key); err != nil {
			return err
		}
		res, err := x.exec("DELETE FROM "+t.name+" WHERE "+t.cols[0]+" = ?", key)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %s %q", domain.ErrNotFound, k, key)
		}
		return nil
	})
}

// putChecked puts e and checks it against the records of other tables
// (checkWritten).
func (x *tx) putChecked(e domain.Entity, mustCreate bool, res *store.ApplyResult) error {
	if err := x.put(e, mustCreate, res); err != nil {
		return err
	}
	return x.checkWritten()
}

// put validates e, checks its references and writes it if it differs from
// the stored record.
func (x *tx) put(e domain.Entity, mustCreate bool, res *store.ApplyResult) error {
	t, err := lookup(e.Kind())
	if err != nil {
		return err
	}
	if m, ok := e.(*domain.Model); ok {
		m.Builtin = false
	}
	if err := domain.Normalize(e); err != nil {
		return err
	}
	old, err := get(x, e.Kind(), e.Key())
	switch {
	case err == nil && mustCreate:
		return fmt.Errorf("%w: %s %q", domain.ErrExists, e.Kind(), e.Key())
	case err != nil && !errors.Is(err, domain.ErrNotFound):
		return err
	case err != nil:
		old = nil
	}
	if err := x.checkRefs(e); err != nil {
		return err
	}
	if err := x.checkRecord(e, old); err != nil {
		return err
	}
	if old != nil && same(old, e) {
		res.Unchanged++
		x.markKnown(e)
		return nil
	}
	x.forget(e)
	if err := x.writeRow(t, e, old == nil, res); err != nil {
		return err
	}
	if c := t.child; c != nil {
		if err := x.writeChildren(c, e, old); err != nil {
			return err
		}
	}
	x.noteWritten(e)
	x.markKnown(e)
	return nil
}

// writeRow inserts e's row (insert) or updates it in place, counting the
// change in res.
func (x *tx) writeRow(t *table, e domain.Entity, insert bool, res *store.ApplyResult) error {
	vals := t.vals(e)
	if insert {
		q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", t.name, strings.Join(t.cols, ", "), placeholders(len(t.cols)))
		if _, err := x.exec(q, vals...); err != nil {
			return x.uniqueErr(e, err)
		}
		res.Created++
		return nil
	}
	sets := make([]string, len(t.cols)-1)
	for i, c := range t.cols[1:] {
		sets[i] = c + " = ?"
	}
	q := fmt.Sprintf("UPDATE %s SET %s WHERE %s = ?", t.name, strings.Join(sets, ", "), t.cols[0])
	if _, err := x.exec(q, append(vals[1:], vals[0])...); err != nil {
		return x.uniqueErr(e, err)
	}
	res.Updated++
	return nil
}

// writeChildren replaces e's rows in child table c when its list differs
// from old's (old is nil for a new record).
func (x *tx) writeChildren(c *child, e, old domain.Entity) error {
	var oldKids []pair
	if old != nil {
		oldKids = c.get(old)
	}
	kids := c.get(e)
	if samePairs(oldKids, kids) {
		return nil
	}
	if len(oldKids) > 0 {
		if _, err := x.exec(fmt.Sprintf("DELETE FROM %s WHERE %s = ?", c.name, c.parent), e.Key()); err != nil {
			return err
		}
	}
	q := fmt.Sprintf("INSERT INTO %s (%s, %s, %s) VALUES (?, ?, ?)", c.name, c.parent, c.pos, c.val)
	for _, p := range kids {
		if _, err := x.exec(q, e.Key(), p.pos, p.val); err != nil {
			return err
		}
	}
	return nil
}

// uniqueErr turns a unique violation on a secondary column (a device's or
// a gateway's MAC) into a clear error.
func (x *tx) uniqueErr(e domain.Entity, err error) error {
	if errors.Is(x.s.d.Classify(err), domain.ErrExists) {
		switch v := e.(type) {
		case *domain.Device:
			return &domain.FieldError{Kind: e.Kind(), Key: e.Key(), Field: "mac", Msg: "MAC " + v.MAC + " belongs to another device", Err: domain.ErrExists}
		case *domain.Gateway:
			return &domain.FieldError{Kind: e.Kind(), Key: e.Key(), Field: "mac", Msg: "MAC " + v.MAC + " belongs to another gateway", Err: domain.ErrExists}
		}
		return fmt.Errorf("%w: %s %q", domain.ErrExists, e.Kind(), e.Key())
	}
	return err
}

func (x *tx) markKnown(e domain.Entity) {
	m := x.known[e.Kind()]
	if m == nil {
		m = map[string]bool{}
		x.known[e.Kind()] = m
	}
	m[e.Key()] = true
}

// exists reports whether a record exists, remembering positive answers for
// the rest of the transaction (bulk imports refer to the same pool often).
func (x *tx) exists(k domain.Kind, key string) (bool, error) {
	if x.known[k][key] {
		return true, nil
	}
	t, err := lookup(k)
	if err != nil {
		return false, err
	}
	var one int
	err = x.queryRow("SELECT 1 FROM "+t.name+" WHERE "+t.cols[0]+" = ?", key).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	x.markKnown(&keyOnly{k, key})
	return true, nil
}

type keyOnly struct {
	k   domain.Kind
	key string
}

func (k *keyOnly) Kind() domain.Kind { return k.k }
func (k *keyOnly) Key() string       { return k.key }

func (x *tx) checkRefs(e domain.Entity) error {
	for _, r := range domain.Refs(e) {
		ok, err := x.exists(r.Kind, r.Key)
		if err != nil {
			return err
		}
		if !ok {
			return domain.Dangling(e, r.Field, r.Kind, r.Key)
		}
	}
	return nil
}

// checkRecord applies the rules that need other records or the old version.
func (x *tx) checkRecord(e domain.Entity, old domain.Entity) error {
	switch v := e.(type) {
	case *domain.Model:
		if old != nil && old.(*domain.Model).Builtin {
			return fmt.Errorf("%w: model %q is in the built-in catalogue; add a model under a new name", domain.ErrReadOnly, v.Name)
		}
	case *domain.Device:
		me, err := x.cachedGet(domain.KindModel, v.Model)
		if err != nil {
			return err
		}
		return checkDevice(x, v, me.(*domain.Model))
	case *domain.Gateway:
		me, err := x.cachedGet(domain.KindModel, v.Model)
		if err != nil {
			return err
		}
		return domain.CheckGateway(v, me.(*domain.Model))
	case *domain.DeviceProfile:
		if v.DialPlan != "" {
			if _, err := x.cachedGet(domain.KindDialPlan, v.DialPlan); err != nil {
				return err
			}
		}
	case *domain.Login:
		v.Since = time.Now().UTC().Truncate(time.Microsecond)
		if old != nil && old.(*domain.Login).Profile == v.Profile {
			v.Since = old.(*domain.Login).Since
		}
	case *domain.CustomFile:
		if old != nil && sameFile(old.(*domain.CustomFile), v) {
			v.Modified = old.(*domain.CustomFile).Modified
			return nil
		}
		if v.IsReference() { // the bytes it stands for are not the stored ones
			return &domain.FieldError{Kind: v.Kind(), Key: v.Name, Field: "data", Err: domain.ErrInvalid,
				Msg: fmt.Sprintf("the document gives this file's size (%d) and SHA-256 but not its bytes, and they are not stored here "+
					"(an export leaves out the bytes of files above 64 MiB): upload it with cmtftp file put", v.Size)}
		}
		// New bytes go to their chunks here, before the row is written
		// (put, or Apply's groups): the chunks' foreign key is deferred.
		return x.writeChunks(v.Name, v.Data)
	}
	return nil
}

// sameFile reports whether two custom files hold the same bytes (the
// stored one, read without them, is known by its size and SHA-256).
func sameFile(a, b *domain.CustomFile) bool {
	return a.Name == b.Name && a.Size == b.Size && a.SHA256 == b.SHA256
}

func checkDevice(x *tx, d *domain.Device, m *domain.Model) error {
	if m.Class == "gateway" {
		return &domain.FieldError{Kind: d.Kind(), Key: d.Name, Field: "model", Err: domain.ErrInvalid,
			Msg: fmt.Sprintf("model %s is a gateway, not a phone: add it with cmtftp gateway add", m.Name)}
	}
	if d.Protocol == "" {
		d.Protocol = m.Protocols[0]
	}
	if !m.Supports(d.Protocol) {
		return &domain.FieldError{Kind: d.Kind(), Key: d.Name, Field: "protocol",
			Msg: fmt.Sprintf("model %s runs %s, not %s", m.Name, strings.Join(m.Protocols, "/"), d.Protocol)}
	}
	if m.Class == "phone" && d.MAC == "" {
		return &domain.FieldError{Kind: d.Kind(), Key: d.Name, Field: "name", Msg: "a phone is named SEP and its 12-digit MAC"}
	}
	if d.SecurityMode != domain.SecurityNonSecure && !slices.Contains(m.Files(d.Protocol), domain.FamilyCnfXML) {
		// Only the XML configuration has a signed and an encrypted form
		// (spec §11): SIP<MAC>.cnf, ld/gk<mac> and .cnf would go in clear.
		return &domain.FieldError{Kind: d.Kind(), Key: d.Name, Field: "securityMode",
			Msg: fmt.Sprintf("model %s running %s gets no XML configuration (%s): it cannot be %s", m.Name, d.Protocol,
				strings.Join(m.Files(d.Protocol), ", "), d.SecurityMode)}
	}
	if len(d.Lines) > m.MaxLines {
		return &domain.FieldError{Kind: d.Kind(), Key: d.Name, Field: "lines",
			Msg: fmt.Sprintf("%d lines, model %s has at most %d", len(d.Lines), m.Name, m.MaxLines)}
	}
	if d.DialPlan != "" {
		pe, err := x.cachedGet(domain.KindDialPlan, d.DialPlan)
		if err != nil {
			return err
		}
		if p := pe.(*domain.DialPlan); m.DialFamily != "" && p.Family != m.DialFamily {
			return &domain.FieldError{Kind: d.Kind(), Key: d.Name, Field: "dialPlan",
				Msg: fmt.Sprintf("plan %q is for the %s family; model %s reads %s plans", p.Name, p.Family, m.Name, m.DialFamily)}
		}
	}
	return nil
}

// same reports whether two records of one kind hold the same values.
func same(a, b domain.Entity) bool {
	if fa, ok := a.(*domain.CustomFile); ok {
		fb, ok := b.(*domain.CustomFile)
		return ok && sameFile(fa, fb) && fa.Modified.Equal(fb.Modified)
	}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

func samePairs(a, b []pair) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
