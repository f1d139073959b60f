package built

import (
	"cmtftp/internal/domain"
	"cmtftp/internal/render"
	"cmtftp/internal/store"
)

// Selective rebuilds. A kept file remembers the records it was rendered
// from (render.Deps: what the renderer read) and the generation it was
// built at; every change event is a new generation, and records the
// generation of its record's last change (and of its kind's, for files
// that read every record of a kind). A kept file is served while none of
// its records changed after it was built; otherwise it is dropped and
// built again on that request. So a change rebuilds exactly the files that
// depend on the record changed, and a change committed while a file is
// being built keeps that file out of the cache, as before.

// maxChanged bounds the records whose last change is remembered; past it,
// the changes older than every kept file are forgotten, and if that is not
// enough, every kept file is dropped and the history starts afresh.
const maxChanged = 200000

// current reports whether none of deps changed after generation gen, and
// nothing dropped every file since. Called holding mu.
func (s *Source) current(deps []render.Dep, gen uint64) bool {
	if gen < s.floor {
		return false
	}
	for _, d := range deps {
		if s.changed[d] > gen {
			return false
		}
	}
	return true
}

// fresh reports whether none of the kept file k's records changed after
// it was built, and nothing dropped every file since. Called holding mu.
func (s *Source) fresh(k *kept) bool {
	if k.gen < s.floor {
		return false
	}
	name := k.name()
	return s.unchanged(k.own(), name, k.gen) && s.unchanged(k.shared.Value(), name, k.gen)
}

// changedRecord records a change of c's record at a new generation.
// Called holding mu.
func (s *Source) changedRecord(c store.Change) {
	if len(s.changed) >= maxChanged && !s.compactChanged() {
		s.dropAll()
		return
	}
	s.gen++
	if s.changed == nil {
		s.changed = map[render.Dep]uint64{}
	}
	key := c.Key
	if c.Kind == domain.KindEnterprise || c.Kind == domain.KindService {
		key = render.AnyKey // the files read the parameters as a whole
	}
	s.changed[render.Dep{Kind: c.Kind, Key: key}] = s.gen
	s.changed[render.Dep{Kind: c.Kind, Key: render.AnyKey}] = s.gen
	s.missing = nil // a name not built may be built now
}

// compactChanged forgets the changes no kept file can be older than: those
// at or before the oldest kept file's generation, which becomes the floor
// (a build in flight from before it is not kept). It reports whether that
// made room. One walk of the cache, once the history is full. Called
// holding mu.
func (s *Source) compactChanged() bool {
	oldest := s.gen
	for _, k := range s.cache {
		oldest = min(oldest, k.gen)
	}
	for d, g := range s.changed {
		if g <= oldest {
			delete(s.changed, d)
		}
	}
	s.floor = max(s.floor, oldest)
	return len(s.changed) < maxChanged*9/10
}

// dropAll drops every kept file and the change history, noting each
// name as changed for the count of builds by cause (one walk of the list,
// on a resync or a full history, not per request). Called holding mu.
func (s *Source) dropAll() {
	s.gen++
	s.floor = s.gen
	if s.head.next != nil {
		for k := s.head.next; k != &s.head; k = k.next {
			s.remember(k.name(), causeChanged)
			s.release(k)
		}
	}
	s.head.prev, s.head.next = nil, nil
	s.bytes, s.fileBytes, s.compressed = 0, 0, 0
	s.cache, s.missing, s.changed = nil, nil, nil
	s.gauges()
}
