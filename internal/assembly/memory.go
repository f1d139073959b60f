package assembly

// MemoryAllowance is what the server's soft memory limit allows beyond the
// built-file cache's budget: the other tables (known devices, the boot
// timeline, the enumeration guard, the change history), transfers in
// flight, the database's page cache and the garbage collector's headroom.
const MemoryAllowance = 256 << 20

// MemoryLimit is the soft memory limit derived from the built-file cache's
// byte budget (negative: none): the budget plus MemoryAllowance, or 0 (no
// limit) when the cache has no budget.
func MemoryLimit(cacheBudget int64) int64 {
	if cacheBudget < 0 {
		return 0
	}
	return cacheBudget + MemoryAllowance
}

// CacheBudget is the byte budget of the built-file cache in force (the
// default resolved); -1 is none.
func (s *Server) CacheBudget() int64 { return s.configs.Stats().BudgetBytes }
