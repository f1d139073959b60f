package assembly

import (
	"context"
	"time"

	"cmtftp/internal/store/sqlstore"
)

// DefaultChangeLogKeep is how long the database's change log keeps a
// change (Config.ChangeLogKeep zero). A follower further behind than that
// — a server that was down a week — is told to resync when it reads the
// feed again, and reloads everything, as at its start.
const DefaultChangeLogKeep = 7 * 24 * time.Hour

// defaultPruneEvery is how often the change log is pruned.
const defaultPruneEvery = time.Hour

// changePruner is a store whose change log can be pruned (the SQL
// backends): Prune deletes the changes older than age but the newest, so
// change IDs keep growing.
type changePruner interface {
	Prune(ctx context.Context, age time.Duration) (int64, error)
}

// exclusiveRunner is a store that can run a task on one server of a
// cluster at a time (sqlstore.DB: a PostgreSQL advisory lock): Exclusive
// skips f, reporting false, while another server runs the task of key.
type exclusiveRunner interface {
	Exclusive(ctx context.Context, key int64, f func(context.Context) error) (ran bool, err error)
}

// pruneChanges prunes the change log at start and then every interval
// until ctx ends, keeping the changes of the last keep. Every server of a
// cluster tries each round; one at a time prunes (sqlstore.LockPrune),
// the others skip the round silently.
func (s *Server) pruneChanges(ctx context.Context, keep, every time.Duration) {
	p, ok := s.store.(changePruner)
	if !ok || keep <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		start := time.Now()
		n, err := s.pruneOnce(ctx, p, keep)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			s.log.Warn("change log not pruned", "err", err)
		case n > 0:
			s.log.Info("change log pruned", "deleted", n, "kept", keep.String(), "took", time.Since(start).Round(time.Millisecond).String())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// pruneOnce prunes once, under the cluster's prune lock when the store has
// one; a round another server is pruning deletes nothing here.
func (s *Server) pruneOnce(ctx context.Context, p changePruner, keep time.Duration) (int64, error) {
	x, ok := s.store.(exclusiveRunner)
	if !ok {
		return p.Prune(ctx, keep)
	}
	var n int64
	_, err := x.Exclusive(ctx, sqlstore.LockPrune, func(ctx context.Context) error {
		var err error
		n, err = p.Prune(ctx, keep)
		return err
	})
	return n, err
}
