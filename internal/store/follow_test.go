package store

import (
	"testing"
	"time"
)

// TestGrow: the wait between attempts to reopen a broken feed doubles
// from MinReopenWait and stays at MaxReopenWait.
func TestGrow(t *testing.T) {
	for _, tc := range []struct{ wait, want time.Duration }{
		{0, MinReopenWait},
		{MinReopenWait, 2 * MinReopenWait},
		{800 * time.Millisecond, 1600 * time.Millisecond},
		{3 * time.Second, MaxReopenWait},
		{MaxReopenWait, MaxReopenWait},
	} {
		if got := grow(tc.wait); got != tc.want {
			t.Errorf("grow(%v) = %v, want %v", tc.wait, got, tc.want)
		}
	}
}
