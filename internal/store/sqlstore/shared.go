package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"cmtftp/internal/domain"
)

// DeviceConfig reads only the device, its login, profile and lines per
// call; the records many devices share come from an in-memory copy. The
// copy is an immutable snapshot, exact at one change-log ID (seq): it is
// loaded, and brought forward by the changes logged since, inside one
// read transaction. A call reads the log's highest ID in the same
// statement as the device, so a change committed before the call began —
// by this process, another server or plain SQL — is always in the copy it
// uses.

// sharedKinds are the kinds kept in memory, with their child lists.
var sharedKinds = [...]domain.Kind{domain.KindModel, domain.KindPool, domain.KindGroup, domain.KindServer,
	domain.KindSIPProfile, domain.KindDialPlan, domain.KindSoftkey}

// unsharedKinds are the kinds DeviceConfig reads per call or never (their
// changes leave the copy alone; GatewayConfig reads its records by key).
// A kind in neither list reloads the copy.
var unsharedKinds = [...]domain.Kind{domain.KindDevice, domain.KindLine, domain.KindLogin, domain.KindProfile,
	domain.KindFile, domain.KindRemote, domain.KindGateway}

// Past these the copy is reloaded whole rather than brought forward: more
// change IDs since it was taken than maxChangeScan, or more changes to
// shared records than maxSharedChanges.
const (
	maxChangeScan    = 10_000
	maxSharedChanges = 1000
)

// sharedChangesSQL reads the changes after one ID, up to another, that may
// touch the copy.
var sharedChangesSQL = func() string {
	q := make([]string, len(unsharedKinds))
	for i, k := range unsharedKinds {
		q[i] = "'" + string(k) + "'"
	}
	return "SELECT kind, key FROM changes WHERE id > ? AND id <= ? AND kind NOT IN (" + strings.Join(q, ", ") + ")" +
		fmt.Sprintf(" LIMIT %d", maxSharedChanges+1)
}()

// paramsSQL reads both parameter tables (a handful of rows).
const paramsSQL = "SELECT 'e', name, value FROM enterprise_params UNION ALL SELECT 's', name, value FROM service_params"

// sharedState is a DB's copy of the shared records. Readers load cur
// without locking; refreshes take lock (a channel, so that a caller whose
// context ends stops waiting for another's refresh) and swap cur.
type sharedState struct {
	cur      atomic.Pointer[shared]
	lockOnce sync.Once
	lock     chan struct{} // holds a token while a refresh runs
	begun    atomic.Int64  // refreshes begun
}

// acquire takes the refresh lock, or returns ctx's error.
func (st *sharedState) acquire(ctx context.Context) error {
	st.lockOnce.Do(func() { st.lock = make(chan struct{}, 1) })
	select {
	case st.lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release gives the refresh lock back.
func (st *sharedState) release() { <-st.lock }

// shared is one immutable snapshot of the shared records. Nothing in it
// changes after it is stored in sharedState.cur.
type shared struct {
	seq    int64 // the change log's highest ID the snapshot is exact at
	begun  int64 // the refresh that made it (sharedState.begun when it began)
	recs   map[domain.Kind]map[string]domain.Entity
	params domain.ParamValues
	groups map[string]*groupView
}

// groupView is a group with its servers looked up.
type groupView struct {
	group    domain.Group    // Servers: the names of the servers found, in order
	servers  []domain.Server // in group priority order
	complete bool            // every server of the group was found
}

// sharedFor returns a snapshot that holds every change committed before
// the caller read begun as g0: the current one when it is exact at seq
// (the log's highest ID the caller read) or was refreshed after g0,
// otherwise a new one.
func (s *DB) sharedFor(ctx context.Context, seq, g0 int64) (*shared, error) {
	st := &s.shared
	fresh := func(sh *shared) bool { return sh != nil && (sh.seq == seq || sh.begun > g0) }
	if sh := st.cur.Load(); fresh(sh) {
		return sh, nil
	}
	if err := st.acquire(ctx); err != nil {
		return nil, err
	}
	defer st.release()
	old := st.cur.Load()
	if fresh(old) {
		return old, nil
	}
	n := st.begun.Add(1)
	var next *shared
	err := s.inReadTx(ctx, func(t *tx) error {
		var err error
		next, err = refreshShared(t, old)
		return err
	})
	if err != nil {
		return nil, err
	}
	next.begun = n
	st.cur.Store(next)
	return next, nil
}

// inReadTx runs f in a read-only transaction that sees one snapshot of the
// database throughout (SQLite: a deferred transaction; PostgreSQL:
// REPEATABLE READ).
func (s *DB) inReadTx(ctx context.Context, f func(*tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return err
	}
	t := &tx{s: s, tx: sqlTx, ctx: ctx, stmts: map[string]*sql.Stmt{}}
	defer func() {
		for _, st := range t.stmts {
			st.Close()
		}
	}()
	err = f(t)
	return errors.Join(err, sqlTx.Rollback())
}

// refreshShared returns the snapshot of the shared records as t sees them:
// old brought forward by the changes logged after it, or a whole new load
// when there is no old one, the log was pruned past it or went backwards,
// or too much changed.
func refreshShared(t *tx, old *shared) (*shared, error) {
	var last, oldest sql.NullInt64
	if err := t.queryRow(lastChangeSQL).Scan(&last); err != nil {
		return nil, err
	}
	if err := t.queryRow(oldestSQL).Scan(&oldest); err != nil {
		return nil, err
	}
	seq := last.Int64
	switch {
	case old == nil, seq < old.seq, seq-old.seq > maxChangeScan, oldest.Valid && oldest.Int64 > old.seq+1:
		return loadShared(t, seq)
	case seq == old.seq:
		next := *old
		return &next, nil
	}
	dirty, ok, err := sharedChanges(t, old.seq, seq)
	if err != nil {
		return nil, err
	}
	if !ok {
		return loadShared(t, seq)
	}
	return old.apply(t, seq, dirty)
}

// dirtySet is what changed since a snapshot: record keys by kind, and
// whether any parameter changed.
type dirtySet struct {
	keys   map[domain.Kind]map[string]bool
	params bool
}

// sharedChanges reads the changes to shared records after ID from up to
// to; ok is false when the snapshot should be reloaded whole instead (too
// many, or a kind it does not know).
func sharedChanges(t *tx, from, to int64) (dirtySet, bool, error) {
	d := dirtySet{keys: map[domain.Kind]map[string]bool{}}
	rows, err := t.query(sharedChangesSQL, from, to)
	if err != nil {
		return d, false, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var k domain.Kind
		var key string
		if err := rows.Scan(&k, &key); err != nil {
			return d, false, err
		}
		if n++; n > maxSharedChanges {
			return d, false, rows.Err()
		}
		switch {
		case k == domain.KindEnterprise || k == domain.KindService:
			d.params = true
		case slices.Contains(sharedKinds[:], k):
			if d.keys[k] == nil {
				d.keys[k] = map[string]bool{}
			}
			d.keys[k][key] = true
		default:
			return d, false, rows.Err() // a kind this copy does not know
		}
	}
	return d, true, rows.Err()
}

// loadShared reads every shared record.
func loadShared(t *tx, seq int64) (*shared, error) {
	sh := &shared{seq: seq, recs: map[domain.Kind]map[string]domain.Entity{}}
	for _, k := range sharedKinds {
		m, err := loadKind(t, k)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		sh.recs[k] = m
	}
	var err error
	if sh.params, err = loadParams(t); err != nil {
		return nil, err
	}
	sh.derive()
	return sh, nil
}

// apply returns a copy of sh brought forward to seq: the records in d are
// read again. (A renaming that cascades, a server's into group_members or
// a group's into pools, logs the referring record's change too.)
func (sh *shared) apply(t *tx, seq int64, d dirtySet) (*shared, error) {
	next := &shared{seq: seq, recs: maps.Clone(sh.recs), params: sh.params}
	for k, keys := range d.keys {
		var err error
		if next.recs[k], err = reread(t, k, sh.recs[k], keys); err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
	}
	if d.params {
		var err error
		if next.params, err = loadParams(t); err != nil {
			return nil, err
		}
	}
	next.derive()
	return next, nil
}

// reread returns a copy of m with the records keys read again (dropped
// when gone).
func reread(t *tx, k domain.Kind, m map[string]domain.Entity, keys map[string]bool) (map[string]domain.Entity, error) {
	out := maps.Clone(m)
	for key := range keys {
		e, err := get(t, k, key)
		switch {
		case errors.Is(err, domain.ErrNotFound):
			delete(out, key)
		case err != nil:
			return nil, err
		default:
			out[key] = e
		}
	}
	return out, nil
}

// loadKind reads every record of kind k with its child lists.
func loadKind(t *tx, k domain.Kind) (map[string]domain.Entity, error) {
	tb := tables[k]
	rows, err := t.query(tb.selectSQL(false))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]domain.Entity{}
	for rows.Next() {
		e, err := tb.scan(rows.Scan)
		if err != nil {
			return nil, err
		}
		out[e.Key()] = e
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	if tb.child != nil {
		if err := listChildren(t, tb.child, out, ""); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// loadParams reads the stored parameters and merges them over the defaults.
func loadParams(t *tx) (domain.ParamValues, error) {
	rows, err := t.query(paramsSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var stored []domain.Param
	for rows.Next() {
		var scope string
		p := domain.Param{Scope: domain.KindEnterprise}
		if err := rows.Scan(&scope, &p.Name, &p.Value); err != nil {
			return nil, err
		}
		if scope == "s" {
			p.Scope = domain.KindService
		}
		stored = append(stored, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Enterprise parameters first, as they were always merged.
	slices.SortStableFunc(stored, func(a, b domain.Param) int { return strings.Compare(string(a.Scope), string(b.Scope)) })
	return domain.EffectiveParams(stored), nil
}

// derive looks up every group's servers.
func (sh *shared) derive() {
	groups := sh.recs[domain.KindGroup]
	sh.groups = make(map[string]*groupView, len(groups))
	for name, e := range groups {
		g := e.(*domain.Group)
		v := &groupView{group: *g, complete: true}
		var names []string
		for _, n := range g.Servers {
			e, ok := sh.recs[domain.KindServer][n]
			if !ok {
				v.complete = false
				continue
			}
			names = append(names, n)
			v.servers = append(v.servers, *e.(*domain.Server))
		}
		v.group.Servers = slices.Clip(names)
		sh.groups[name] = v
	}
}
