package assembly

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"cmtftp/internal/domain"
)

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

// TestServerMemoryLimit: a server's limit follows its cache's budget, and
// the custom files it keeps come on top.
func TestServerMemoryLimit(t *testing.T) {
	srv, _, st := startDemo(t, Config{ConfigCacheBytes: 100 << 20})
	before := srv.MemoryLimit()
	if before < MemoryAllowance || before > 100<<20+MemoryAllowance {
		t.Errorf("limit %d for a budget of 100 MiB", before)
	}
	if b := srv.CacheBudget(); b != 100<<20 {
		t.Errorf("cache budget %d", b)
	}
	const size = 8 << 20
	if _, err := st.Put(context.Background(), &domain.CustomFile{Name: "big.bin", Data: make([]byte, size)}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + srv.HTTPAddr().String() + "/big.bin")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if err == nil && resp.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("big.bin never served: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if after := srv.MemoryLimit(); after < before+size {
		t.Errorf("limit %d MiB with an 8 MiB custom file kept, %d MiB before", after>>20, before>>20)
	}
}
