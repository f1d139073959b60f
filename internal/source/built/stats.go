package built

import (
	"encoding/json"
	"net/http"
)

// cause is why a file was built: the values of the cause label of
// cmtftp_build_rebuilds_total.
type cause uint8

// The causes of a build.
const (
	causeFirst    cause = iota // never kept before (or not remembered)
	causeChanged               // a record it was rendered from changed
	causeEvicted               // dropped to keep the byte budget
	causeUncached              // caching of configuration files is off
	numCauses
)

// causeNames are the label values, in cause order.
var causeNames = [numCauses]string{"first", "changed", "evicted", "uncached"}

// Stats is the state of the cache of built files, as GET
// /api/v1/cache/status and `cmtftp cache status` show it.
type Stats struct {
	// Entries and Bytes are the files kept and the bytes they count
	// against the budget (their bytes, names, dependencies and entries).
	Entries int   `json:"entries"`
	Bytes   int64 `json:"bytes"`
	// BudgetBytes is the byte budget; -1 is none.
	BudgetBytes int64 `json:"budgetBytes"`
	// FileBytes is the bytes of the kept files themselves.
	FileBytes int64 `json:"fileBytes"`
	// Compressed is how many of the entries are kept zstd-compressed with
	// a dictionary trained on the site's files, DictBytes its size (0
	// before it is trained).
	Compressed int `json:"compressed"`
	DictBytes  int `json:"dictBytes"`
	// Dictionaries is how many dictionaries kept files are compressed
	// with: the current one, and older ones until their last file goes.
	Dictionaries int `json:"dictionaries"`
	// Evictions counts the files dropped to keep the budget.
	Evictions uint64 `json:"evictions"`
	// Builds counts the builds by cause: first, changed, evicted,
	// uncached.
	Builds map[string]uint64 `json:"builds"`
	// ChangedRecords is how many changed records are remembered (the
	// history selective rebuilds read; bounded, then everything is
	// dropped).
	ChangedRecords int `json:"changedRecords"`
	// Caching is false while Enable Caching of Configuration Files is off.
	Caching bool `json:"caching"`
}

// Stats returns the cache's state.
func (s *Source) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Entries: len(s.cache), Bytes: s.bytes, BudgetBytes: s.budget(), FileBytes: s.fileBytes,
		Evictions: s.evictions, Builds: make(map[string]uint64, numCauses), ChangedRecords: len(s.changed),
		Caching: !s.NoCache.Load(), Compressed: s.compressed, Dictionaries: len(s.codecs)}
	if c := s.codec.Load(); c != nil {
		st.DictBytes = c.dict
	}
	for c, n := range s.builds {
		st.Builds[causeNames[c]] = n
	}
	return st
}

// ServeStatus is the admin API's GET /api/v1/cache/status: Stats as JSON.
func (s *Source) ServeStatus(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(s.Stats())
}
