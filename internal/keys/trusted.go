package keys

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// ErrTrusted reports a certificate that cannot be trusted as another
// cluster's TFTP certificate: not RSA, one of this cluster's own, or
// imported already.
var ErrTrusted = errors.New("keys: not importable as another cluster's TFTP certificate")

// Trust imports another cluster's TFTP certificate (PEM or DER, RSA: that
// cluster's cmtftp keys cert tftp) into this cluster's trust lists, so
// that its phones booting through this cluster accept its signed files
// (centralized TFTP; CUCM's bulk certificate import). This cluster's own
// keys must exist (cmtftp keys init); no secret is needed.
func Trust(ctx context.Context, ks store.KeyStore, data []byte) (store.Key, error) {
	der, err := parseRSACert(data, ErrTrusted) // a TFTP key signs files with RSA
	if err != nil {
		return store.Key{}, err
	}
	active, err := ks.Keys(ctx, false)
	if err != nil {
		return store.Key{}, fmt.Errorf("keys: %w", err)
	}
	if countRole(active, store.KeySAST) == 0 {
		return store.Key{}, fmt.Errorf("%w: this cluster has no keys of its own yet (cmtftp keys init)", ErrNoKeys)
	}
	ids := make([]int64, len(active))
	for i, k := range active {
		ids[i] = k.ID
		if bytes.Equal(k.Cert, der) {
			return store.Key{}, fmt.Errorf("%w: it is key %d (%s) already", ErrTrusted, k.ID, k.Role)
		}
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return store.Key{}, fmt.Errorf("%w: %w", ErrTrusted, err)
	}
	if err := fits(ctx, ks, addition{trusted: c}); err != nil {
		return store.Key{}, err
	}
	added, err := ks.RotateKeys(ctx, ids, []store.Key{{Role: store.KeyTrusted, Cert: der, Sealed: []byte{}}}, nil)
	if err != nil {
		return store.Key{}, fmt.Errorf("keys: storing the trusted certificate: %w", err)
	}
	return added[0], nil
}

// Untrust takes the trusted certificate with id out of the trust lists.
func Untrust(ctx context.Context, ks store.KeyStore, id int64) error {
	active, err := ks.Keys(ctx, false)
	if err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	ids := make([]int64, len(active))
	found := false
	for i, k := range active {
		ids[i] = k.ID
		found = found || (k.ID == id && k.Role == store.KeyTrusted)
	}
	if !found {
		return fmt.Errorf("keys: no trusted certificate %d (cmtftp keys show lists them): %w", id, domain.ErrNotFound)
	}
	if _, err := ks.RotateKeys(ctx, ids, nil, []int64{id}); err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	return nil
}
