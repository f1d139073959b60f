package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"cmtftp/internal/store"
)

// feedBatch is how many change rows a reader fetches per query.
const feedBatch = 1000

// Statements of the change feed (feedSQL reads one batch after an ID).
const (
	lastChangeSQL = "SELECT MAX(id) FROM changes"
	oldestSQL     = "SELECT MIN(id) FROM changes"
	feedSQL       = "SELECT id, kind, key, op, at FROM changes WHERE id > ? ORDER BY id LIMIT 1000"
)

// LastChange implements store.Store.
func (s *DB) LastChange(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	err := dbReader{s, ctx}.queryRow(lastChangeSQL).Scan(&id)
	return id.Int64, s.wrap(err)
}

// Changes implements store.Store. Events come from the change log the
// triggers write; the dialect's Waiter says when to look again.
func (s *DB) Changes(ctx context.Context, after int64) (<-chan store.Change, error) {
	w, err := s.d.NewWaiter(ctx)
	if err != nil {
		return nil, s.wrap(err)
	}
	var oldest sql.NullInt64
	if err := (dbReader{s, ctx}).queryRow(oldestSQL).Scan(&oldest); err != nil {
		w.Close()
		return nil, s.wrap(err)
	}
	ch := make(chan store.Change, 64)
	go func() {
		defer close(ch)
		defer w.Close()
		last := after
		if after > 0 && oldest.Valid && oldest.Int64 > after+1 {
			// The log was pruned past the reader: it must rebuild everything.
			if !send(ctx, ch, store.Change{Kind: store.KindResync, Op: store.OpUpdate, At: time.Now().UTC()}) {
				return
			}
		}
		backoff := 10 * time.Millisecond
		for {
			nudge := s.nudgeChan()
			n, err := s.readChanges(ctx, &last, ch)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				// The database is away: keep the position and try again.
				select {
				case <-time.After(backoff):
				case <-ctx.Done():
					return
				}
				backoff = min(2*backoff, time.Second)
				continue
			}
			backoff = 10 * time.Millisecond
			if n == feedBatch {
				continue
			}
			if err := w.Wait(ctx, nudge); err != nil && ctx.Err() != nil {
				return
			}
		}
	}()
	return ch, nil
}

func send(ctx context.Context, ch chan<- store.Change, c store.Change) bool {
	select {
	case ch <- c:
		return true
	case <-ctx.Done():
		return false
	}
}

// readChanges sends the changes after *last and advances it.
func (s *DB) readChanges(ctx context.Context, last *int64, ch chan<- store.Change) (int, error) {
	rows, err := dbReader{s, ctx}.query(feedSQL, *last)
	if err != nil {
		return 0, err
	}
	var batch []store.Change
	for rows.Next() {
		var c store.Change
		var at int64
		if err := rows.Scan(&c.ID, &c.Kind, &c.Key, &c.Op, &at); err != nil {
			rows.Close()
			return 0, err
		}
		c.At = fromMicros(at)
		batch = append(batch, c)
	}
	err = errors.Join(rows.Err(), rows.Close())
	for _, c := range batch {
		if !send(ctx, ch, c) {
			return 0, ctx.Err()
		}
		*last = c.ID
	}
	return len(batch), err
}

// Prune deletes change-log rows older than age, always keeping the newest
// row so IDs keep growing. Readers behind the pruned part get a resync.
//
// The log has no index on its time: the rows are written in time order,
// so the cut is the first row, in ID order, that is young enough — found
// by walking the primary key from the oldest row, which costs the rows
// to delete, not the log's size (a row older than the cut whose clock
// went backwards is kept, never one younger deleted). The rows before
// the cut go in transactions of pruneChunk, so writers wait for one
// chunk at a time, not for the whole delete.
func (s *DB) Prune(ctx context.Context, age time.Duration) (int64, error) {
	var oldest, cut int64
	err := s.inTx(ctx, func(x *tx) error {
		if err := x.queryRow("SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM changes").Scan(&oldest, &cut); err != nil {
			return err
		}
		// With no row young enough, the cut stays at the newest row: all
		// but it go.
		err := x.queryRow("SELECT id FROM changes WHERE at >= ? ORDER BY id LIMIT 1", micros(time.Now().Add(-age))).Scan(&cut)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	var n int64
	for from := oldest; err == nil && from < cut; from += pruneChunk {
		err = s.inTx(ctx, func(x *tx) error {
			res, err := x.exec("DELETE FROM changes WHERE id < ?", min(from+pruneChunk, cut))
			if err != nil {
				return err
			}
			d, _ := res.RowsAffected()
			n += d
			x.wrote = false
			return nil
		})
	}
	return n, err
}

// pruneChunk is how many change-log IDs one of Prune's transactions covers
// (a variable for the tests only).
var pruneChunk int64 = 50_000
