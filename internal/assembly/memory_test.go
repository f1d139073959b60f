package assembly

import "testing"

// TestMemoryLimit: the soft limit is the cache's budget in force plus the
// allowance, and none when the cache has no budget.
func TestMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		cacheBytes int64
		want       int64
	}{{100 << 20, 100<<20 + MemoryAllowance}, {-1, 0}} {
		srv, _, _ := startDemo(t, Config{ConfigCacheBytes: tc.cacheBytes})
		if got := MemoryLimit(srv.CacheBudget()); got != tc.want {
			t.Errorf("cache budget %d: limit %d, want %d", tc.cacheBytes, got, tc.want)
		}
	}
	srv, _, _ := startDemo(t, Config{})
	if b := srv.CacheBudget(); b <= 0 || MemoryLimit(b) != b+MemoryAllowance {
		t.Errorf("default cache budget %d: limit %d", b, MemoryLimit(b))
	}
}
