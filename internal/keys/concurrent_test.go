package keys_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/keys"
	"cmtftp/internal/store"
	"cmtftp/internal/trust"
)

// meetingStore is a real store whose RotateKeys waits until n calls have
// come: rotations that read the keys apart then write at once.
type meetingStore struct {
	store.KeyStore
	arrived sync.WaitGroup
}

// RotateKeys waits for the other callers, then rotates.
func (m *meetingStore) RotateKeys(ctx context.Context, active []int64, add []store.Key, retire []int64) ([]store.Key, error) {
	m.arrived.Done()
	m.arrived.Wait()
	return m.KeyStore.RotateKeys(ctx, active, add, retire)
}

// rotateTwice runs two rotate calls at once on ks and returns their errors.
func rotateTwice(rotate func() error) []error {
	errs := make([]error, 2)
	var done sync.WaitGroup
	for i := range errs {
		done.Add(1)
		go func() {
			defer done.Done()
			errs[i] = rotate()
		}()
	}
	done.Wait()
	return errs
}

// TestRotateRace: two Rotates that both read the keys before either
// writes — one wins, the other fails with store.ErrKeysChanged and writes
// nothing; two Inits the same (the loser with ErrKeysExist); and two
// Rotates let run freely leave at most two active SASTs, each either done
// or refused so. The lists build and verify after each round.
func TestRotateRace(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	m := &meetingStore{KeyStore: s}
	m.arrived.Add(2)
	errs := rotateTwice(func() error { _, err := keys.Init(ctx, m, secret, fast); return err })
	checkOneLost(t, "init", errs, keys.ErrKeysExist)
	for round := range 3 {
		m.arrived.Add(2)
		errs := rotateTwice(func() error { _, err := keys.Rotate(ctx, m, secret, keys.Options{}); return err })
		checkOneLost(t, "rotate", errs, store.ErrKeysChanged)
		checkActive(t, s, round)
	}
	for round := range 3 {
		errs := rotateTwice(func() error { _, err := keys.Rotate(ctx, s, secret, keys.Options{}); return err })
		for _, err := range errs {
			if err != nil && !errors.Is(err, store.ErrKeysChanged) {
				t.Errorf("free round %d: %v", round, err)
			}
		}
		checkActive(t, s, round)
	}
}

// checkOneLost: of errs one is nil and the other is want.
func checkOneLost(t *testing.T, what string, errs []error, want error) {
	t.Helper()
	if (errs[0] == nil) == (errs[1] == nil) || !errors.Is(errors.Join(errs...), want) {
		t.Errorf("two %ss at once: %v, want one to succeed and one to fail with %v", what, errs, want)
	}
}

// checkActive: the active keys are at most two SASTs and one TFTP key, and
// their ITL verifies.
func checkActive(t *testing.T, s store.KeyStore, round int) {
	t.Helper()
	k, err := keys.Load(context.Background(), s, secret)
	if err != nil {
		t.Fatal(err)
	}
	n := map[store.KeyRole]int{}
	for _, key := range k.Keys() {
		n[key.Role]++
	}
	if n[store.KeySAST] > 2 || n[store.KeyTFTP] != 1 {
		t.Errorf("round %d: active keys %v", round, n)
	}
	list, err := k.TrustList("ITLFile.tlv", false, 0, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := trust.VerifyTrustList(list, nil); err != nil {
		t.Errorf("round %d: %v", round, err)
	}
}
