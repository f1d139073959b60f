package sqlstore

import (
	"slices"
	"testing"

	"cmtftp/internal/domain"
)

// TestSharedKindsCover: every kind is kept in DeviceConfig's snapshot, or
// left out of it on purpose (unsharedKinds), or is a parameter (read
// whole); none is in two lists. A kind in none would reload the whole
// snapshot on each of its changes: a new kind must be placed.
func TestSharedKindsCover(t *testing.T) {
	for _, k := range domain.Kinds() {
		in := 0
		for _, list := range [][]domain.Kind{sharedKinds[:], unsharedKinds[:], {domain.KindEnterprise, domain.KindService}} {
			if slices.Contains(list, k) {
				in++
			}
		}
		if in != 1 {
			t.Errorf("kind %s is in %d of sharedKinds, unsharedKinds and the parameters, want 1", k, in)
		}
	}
}
