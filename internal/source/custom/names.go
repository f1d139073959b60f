package custom

import (
	"context"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// loadNames reads the names of the custom files there are from s.Names
// (a resync: the feed's position was taken before, so the changes after
// it come again and are applied in order). Without Names, or when the
// database cannot answer, the names are not known and every name is asked
// of the database, as the source did before it kept them.
func (s *Source) loadNames(ctx context.Context) {
	if s.Names == nil {
		return
	}
	names := map[string]struct{}{}
	err := store.Each(ctx, s.Names, domain.KindFile, func(e domain.Entity) error {
		names[e.Key()] = struct{}{}
		return nil
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.names = nil
		if s.Logger != nil {
			s.Logger.Warn("custom files: their names could not be read; asking the database for every name until the next resync", "err", err)
		}
		return
	}
	s.names = names
}

// nameChanged applies a custom-file change to the known names (s.mu held):
// a delete removes the name, anything else adds it. A rename is logged as
// the old name's delete and the new one's update.
func (s *Source) nameChanged(c store.Change) {
	if s.names == nil {
		return
	}
	if c.Op == store.OpDelete {
		delete(s.names, c.Key)
		return
	}
	s.names[c.Key] = struct{}{}
}

// mayExist reports whether name may be a custom file (s.mu held): when the
// names are known, only theirs.
func (s *Source) mayExist(name string) bool {
	if s.names == nil {
		return true
	}
	_, ok := s.names[name]
	return ok
}
