package assembly

import (
	"context"
	"time"
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

// pruneChanges prunes the change log at start and then every interval
// until ctx ends, keeping the changes of the last keep. Every server of a
// cluster prunes; deleting what another already deleted is harmless.
func (s *Server) pruneChanges(ctx context.Context, keep, every time.Duration) {
	p, ok := s.store.(changePruner)
	if !ok || keep <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		start := time.Now()
		n, err := p.Prune(ctx, keep)
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
