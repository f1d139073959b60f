package assembly

import "runtime/metrics"

// MemoryAllowance is what the server's soft memory limit allows beyond the
// built files kept: the other tables (known devices, the boot timeline,
// the enumeration guard, the change history), transfers in flight, the
// database's page cache and the garbage collector's headroom.
const MemoryAllowance = 256 << 20

// MemoryLimit is the soft memory limit for a built-file cache of budget
// bytes (negative: none) that holds kept bytes now, in a heap of live
// bytes after the last collection: the kept bytes, at most the budget,
// plus MemoryAllowance. So the heap may grow to twice the live heap
// (GOGC's default) only while that fits; past it the garbage collector
// works to the limit. The limit is never under 1.5 times the live heap,
// so a live heap larger than the allowance makes it collect more often,
// not all the time. At a full cache the limit is the budget plus the
// allowance.
func MemoryLimit(budget, kept, live int64) int64 {
	if budget >= 0 {
		kept = min(kept, budget)
	}
	return max(kept+MemoryAllowance, live+live/2)
}

// MemoryLimit is the soft memory limit derived from the built-file cache
// now (see the function MemoryLimit), with the custom files kept on top
// (they have a budget of their own); the caller sets it, and sets it
// again from time to time as the caches fill.
func (s *Server) MemoryLimit() int64 {
	st := s.configs.Stats()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	var live int64
	if sample[0].Value.Kind() == metrics.KindUint64 {
		live = int64(sample[0].Value.Uint64())
	}
	var customs int64
	if s.customs != nil {
		_, customs = s.customs.Kept()
	}
	return MemoryLimit(st.BudgetBytes, st.Bytes, live) + customs
}

// CacheBudget is the byte budget of the built-file cache in force (the
// default resolved); -1 is none.
func (s *Server) CacheBudget() int64 { return s.configs.Stats().BudgetBytes }
