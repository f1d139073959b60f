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
// triggers write; the dialect's Waiter says when to look again (and the
// reader looks at the log after every wait, notified or not, so nothing
// relies on notifications alone). The channel closes when ctx ends or the
// database fails — a read, or the waiter's connection: the caller reopens
// from the last ID it got (store.Follow does, with backoff) and misses
// nothing. Whenever a batch does not begin right after the last ID and
// the log's oldest row is past it, the log was pruned past the reader
// (it was away, or fell behind the retention while connected): a
// KindResync event comes before the batch.
func (s *DB) Changes(ctx context.Context, after int64) (<-chan store.Change, error) {
	w, err := s.d.NewWaiter(ctx)
	if err != nil {
		return nil, s.wrap(err)
	}
	ch := make(chan store.Change, 64)
	go s.follow(ctx, w, after, ch)
	return ch, nil
}

// follow is the reader of Changes: it sends every change after last to
// ch, waiting with w when it has read the log to its end, until ctx ends
// or the database fails.
func (s *DB) follow(ctx context.Context, w Waiter, last int64, ch chan<- store.Change) {
	defer close(ch)
	defer w.Close()
	for {
		nudge := s.nudgeChan()
		n, err := s.readChanges(ctx, &last, ch)
		if err != nil || ctx.Err() != nil {
			return
		}
		if n == feedBatch {
			continue
		}
		if err := w.Wait(ctx, nudge); err != nil {
			return
		}
	}
}

func send(ctx context.Context, ch chan<- store.Change, c store.Change) bool {
	select {
	case ch <- c:
		return true
	case <-ctx.Done():
		return false
	}
}

// readChanges sends the changes after *last and advances it, with a
// KindResync first when the log was pruned past *last.
func (s *DB) readChanges(ctx context.Context, last *int64, ch chan<- store.Change) (int, error) {
	batch, err := s.readBatch(ctx, *last)
	if err != nil {
		return 0, err
	}
	// IDs have holes (a rolled-back write takes its IDs with it), so a
	// batch that does not begin at *last+1 is a prune only when the log
	// now begins past *last+1: rows are pruned oldest first, so a row at
	// or before *last+1 means none after *last was deleted.
	if *last > 0 && len(batch) > 0 && batch[0].ID != *last+1 {
		var oldest sql.NullInt64
		if err := (dbReader{s, ctx}).queryRow(oldestSQL).Scan(&oldest); err != nil {
			return 0, err
		}
		if oldest.Valid && oldest.Int64 > *last+1 &&
			!send(ctx, ch, store.Change{Kind: store.KindResync, Op: store.OpUpdate, At: time.Now().UTC()}) {
			return 0, ctx.Err()
		}
	}
	for _, c := range batch {
		if !send(ctx, ch, c) {
			return 0, ctx.Err()
		}
		*last = c.ID
	}
	return len(batch), nil
}

// readBatch reads up to feedBatch change rows after last, in ID order.
func (s *DB) readBatch(ctx context.Context, last int64) ([]store.Change, error) {
	rows, err := dbReader{s, ctx}.query(feedSQL, last)
	if err != nil {
		return nil, err
	}
	var batch []store.Change
	for rows.Next() {
		var c store.Change
		var at int64
		if err := rows.Scan(&c.ID, &c.Kind, &c.Key, &c.Op, &at); err != nil {
			rows.Close()
			return nil, err
		}
		c.At = fromMicros(at)
		batch = append(batch, c)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	return batch, nil
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
