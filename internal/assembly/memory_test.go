package assembly

import "testing"

// TestMemoryLimit: the soft limit is the kept bytes (at most the budget)
// plus the allowance, never under 1.5 times the live heap.
func TestMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name               string
		budget, kept, live int64
		want               int64
	}{
		{"empty cache", 512 * mib, 0, 50 * mib, MemoryAllowance},
		{"filling", 512 * mib, 100 * mib, 200 * mib, 100*mib + MemoryAllowance},
		{"full: the budget", 512 * mib, 600 * mib, 500 * mib, 512*mib + MemoryAllowance},
		{"no budget: what is kept", -1, 2000 * mib, 1500 * mib, 2000*mib + MemoryAllowance},
		{"a large live heap besides", 512 * mib, 100 * mib, 600 * mib, 900 * mib},
	} {
		if got := MemoryLimit(tc.budget, tc.kept, tc.live); got != tc.want {
			t.Errorf("%s: %d MiB, want %d MiB", tc.name, got/mib, tc.want/mib)
		}
	}
}

// TestServerMemoryLimit: a server's limit follows its cache's budget.
func TestServerMemoryLimit(t *testing.T) {
	srv, _, _ := startDemo(t, Config{ConfigCacheBytes: 100 << 20})
	if got := srv.MemoryLimit(); got < MemoryAllowance || got > 100<<20+MemoryAllowance {
		t.Errorf("limit %d for a budget of 100 MiB", got)
	}
	if b := srv.CacheBudget(); b != 100<<20 {
		t.Errorf("cache budget %d", b)
	}
}
