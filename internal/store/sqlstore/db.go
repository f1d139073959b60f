// Package sqlstore is the store.Store both backends share: one
// implementation over database/sql, with the differences between SQLite
// and PostgreSQL behind a Dialect.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// Dialect is what differs between the SQL backends.
type Dialect interface {
	// Rebind turns ? placeholders into the dialect's own.
	Rebind(q string) string
	// Classify maps a driver error to a store sentinel (or nil if none fits).
	Classify(err error) error
	// JSONArray names the SQL function that packs its arguments into a JSON array.
	JSONArray() string
	// NewWaiter returns a Waiter for one change-feed reader.
	NewWaiter(ctx context.Context) (Waiter, error)
}

// Waiter blocks a change-feed reader until the change log may have grown.
type Waiter interface {
	// Wait returns when new changes may be visible, or ctx ends. It may
	// return early; the reader then finds nothing and waits again.
	Wait(ctx context.Context, nudge <-chan struct{}) error
	// Close releases the waiter's connection.
	Close() error
}

// DB is a store.Store over a database/sql handle.
type DB struct {
	db *sql.DB
	d  Dialect

	mu    sync.Mutex
	stmts map[string]*sql.Stmt
	nudge chan struct{} // closed and replaced after each local commit

	configSQL string
	shared    sharedState // DeviceConfig's copy of the shared records (shared.go)
}

var _ store.Store = (*DB)(nil)

// New wraps an open, migrated database. It seeds the built-in model
// catalogue when the stored catalogue is older than domain.CatalogueVersion.
func New(ctx context.Context, db *sql.DB, d Dialect) (*DB, error) {
	s := &DB{db: db, d: d, stmts: map[string]*sql.Stmt{}, nudge: make(chan struct{}), configSQL: configJoinSQL(d.JSONArray())}
	if err := s.seedCatalogue(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// SQL returns the underlying handle (for tests and tools that run plain SQL).
func (s *DB) SQL() *sql.DB { return s.db }

// Close implements store.Store.
func (s *DB) Close() error {
	s.mu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = map[string]*sql.Stmt{}
	s.mu.Unlock()
	return s.db.Close()
}

// Ping implements store.Store.
func (s *DB) Ping(ctx context.Context) error { return s.wrap(s.db.PingContext(ctx)) }

// stmt returns a prepared statement for q (written with ? placeholders).
func (s *DB) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	s.mu.Lock()
	st, ok := s.stmts[q]
	s.mu.Unlock()
	if ok {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, s.d.Rebind(q))
	if err != nil {
		return nil, s.wrap(err)
	}
	s.mu.Lock()
	if old, ok := s.stmts[q]; ok {
		st.Close()
		st = old
	} else {
		s.stmts[q] = st
	}
	s.mu.Unlock()
	return st, nil
}

// wrap maps driver errors to store sentinels, keeping the cause.
func (s *DB) wrap(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var fe *domain.FieldError
	if errors.As(err, &fe) {
		return err
	}
	for _, sentinel := range []error{domain.ErrNotFound, domain.ErrExists, domain.ErrInUse, domain.ErrInvalid, domain.ErrReadOnly, store.ErrUnavailable} {
		if errors.Is(err, sentinel) {
			return err
		}
	}
	if c := s.d.Classify(err); c != nil {
		return fmt.Errorf("%w: %v", c, err)
	}
	return fmt.Errorf("store: %w", err)
}

// tx is one transaction with a statement cache.
type tx struct {
	s     *DB
	tx    *sql.Tx
	ctx   context.Context
	stmts map[string]*sql.Stmt
	known map[domain.Kind]map[string]bool          // records seen to exist in this tx
	recs  map[domain.Kind]map[string]domain.Entity // records read for checks in this tx (cachedGet)
	wrote bool
	// written are the devices and gateways written, for checkWritten.
	written []domain.Entity
}

// stmt returns a statement bound to the transaction. It reuses the DB's
// prepared statement when there is one, and otherwise prepares on the
// transaction's own connection: asking the pool for a second connection
// while this one holds SQLite's write lock could wait forever on writers
// that wait for the lock.
func (t *tx) stmt(q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	t.s.mu.Lock()
	ps, ok := t.s.stmts[q]
	t.s.mu.Unlock()
	var st *sql.Stmt
	if ok {
		st = t.tx.StmtContext(t.ctx, ps)
	} else {
		var err error
		if st, err = t.tx.PrepareContext(t.ctx, t.s.d.Rebind(q)); err != nil {
			return nil, err
		}
	}
	t.stmts[q] = st
	return st, nil
}

func (t *tx) exec(q string, args ...any) (sql.Result, error) {
	st, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	t.wrote = true
	return st.ExecContext(t.ctx, args...)
}

func (t *tx) query(q string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(t.ctx, args...)
}

func (t *tx) queryRow(q string, args ...any) row {
	st, err := t.stmt(q)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(t.ctx, args...)
}

// inTx runs f in a transaction and commits it; any error rolls back.
func (s *DB) inTx(ctx context.Context, f func(*tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(err)
	}
	t := &tx{s: s, tx: sqlTx, ctx: ctx, stmts: map[string]*sql.Stmt{}, known: map[domain.Kind]map[string]bool{},
		recs: map[domain.Kind]map[string]domain.Entity{}}
	defer func() {
		for _, st := range t.stmts {
			st.Close()
		}
	}()
	if err := f(t); err != nil {
		sqlTx.Rollback()
		return s.wrap(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return s.wrap(err)
	}
	if t.wrote {
		s.poke()
	}
	return nil
}

// poke wakes this process's change-feed readers after a local commit.
func (s *DB) poke() {
	s.mu.Lock()
	close(s.nudge)
	s.nudge = make(chan struct{})
	s.mu.Unlock()
}

func (s *DB) nudgeChan() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nudge
}

// RebindDollar turns ? placeholders into $1, $2, … (PostgreSQL).
func RebindDollar(q string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}
