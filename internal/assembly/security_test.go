package assembly

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/keys"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
)

// TestSecurityState: the state follows the mode parameter; a resync with
// the same keys keeps the state (no file signed again), a rotation makes
// a new one with the new TFTP key; without the secret a mixed cluster has
// no signer (its .sgn are told busy) and HTTPS no certificate.
func TestSecurityState(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	secret := []byte("0123456789abcdef-assembly")
	opts := keys.Options{Bits: 1024, TFTPNames: []string{"localhost"}}
	if _, err := keys.Init(ctx, st, secret, opts); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	params := domain.EffectiveParams(nil)
	c := newSecurity(ctx, st, secret, params, log)
	if s := c.State(); s.Mixed || s.Signer.Key == nil {
		t.Fatalf("start: mixed %v, signer %v", s.Mixed, s.Signer.Key != nil)
	}
	params[domain.ParamClusterSecurityMode] = domain.SecurityModeMixed
	c.setParams(params)
	first := c.State()
	if !first.Mixed {
		t.Fatal("mode not followed")
	}
	c.HandleChange(ctx, store.Change{Kind: store.KindResync})
	if c.State() != first {
		t.Error("a resync with the same keys made a new state")
	}
	if _, err := keys.Rotate(ctx, st, secret, keys.Options{}); err != nil {
		t.Fatal(err)
	}
	c.HandleChange(ctx, store.Change{Kind: store.KindKeys})
	next := c.State()
	if next == first || next.Signer.Cert.Equal(first.Signer.Cert) || !next.Mixed {
		t.Error("a rotation did not make a state with the new TFTP key")
	}
	if cert, err := c.certificate(nil); err != nil || cert.Leaf == nil && len(cert.Certificate) == 0 {
		t.Errorf("HTTPS certificate: %v", err)
	}
	blind := newSecurity(ctx, st, nil, params, log)
	if s := blind.State(); !s.Mixed || s.Signer.Key != nil {
		t.Errorf("without the secret: mixed %v, signer %v", s.Mixed, s.Signer.Key != nil)
	}
	if _, err := blind.certificate(nil); err == nil {
		t.Error("HTTPS certificate without the secret")
	}
}
