package signed

import (
	"context"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/source/built"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/trust"
)

// TestOverBuiltFiles runs the step over the real first step of the chain:
// files built from a SQLite database holding the demo site, one device
// encrypted. Its signed configuration and softkey template verify and
// carry the built bytes; once its certificate is there, its stub is
// signed and its .enc.sgn decrypts to exactly the configuration built.
func TestOverBuiltFiles(t *testing.T) {
	ctx := context.Background()
	site := domain.DemoSite()
	site.Devices[0].SecurityMode = domain.SecurityEncrypted // SEP0000DE000001
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "site.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Apply(ctx, site); err != nil {
		t.Fatal(err)
	}
	configs := &built.Source{Store: db}
	r := newRig(t, nil)
	r.step.Inner = configs
	var cert atomic.Pointer[x509.Certificate]
	st := r.mixed(keys.tftp1, "tftp#1")
	st.DeviceCert = func(_ context.Context, dev string) (*x509.Certificate, error) {
		if c := cert.Load(); c != nil && dev == "SEP0000DE000001" {
			return c, nil
		}
		return nil, fmt.Errorf("%s: %w", dev, source.ErrNotFound)
	}
	r.state.Store(st)

	for _, name := range []string{"SEP0000DE000002.cnf.xml", "SKStandard-User.xml", "XMLDefault.cnf.xml"} {
		plain, _, err := r.get(t, name, source.HTTPS)
		if err != nil {
			t.Fatal(err)
		}
		if got := verified(t, r.mustGet(t, name+".sgn"), keys.tftp1, name+".sgn"); string(got) != string(plain) {
			t.Errorf("%s.sgn does not carry the built file", name)
		}
	}
	const dev = "SEP0000DE000001"
	if _, _, err := r.get(t, dev+".cnf.xml.sgn", source.TFTP); !errors.Is(err, source.ErrBusy) {
		t.Fatalf("encrypted device without a certificate: %v, want busy", err)
	}
	if _, _, err := r.get(t, dev+".cnf.xml", source.TFTP); !errors.Is(err, source.ErrDenied) {
		t.Fatalf("encrypted device's configuration in clear: %v, want denied", err)
	}
	cert.Store(keys.phone.Cert)
	change := store.Change{Kind: domain.KindDevice, Key: dev, Op: store.OpUpdate}
	configs.HandleChange(ctx, change)
	r.step.HandleChange(ctx, change)

	var stub struct {
		EncrConfig string `xml:"encrConfig"`
		Load       string `xml:"loadInformation"`
	}
	if err := xml.Unmarshal(verified(t, r.mustGet(t, dev+".cnf.xml.sgn"), keys.tftp1, dev+".cnf.xml.sgn"), &stub); err != nil {
		t.Fatal(err)
	}
	if stub.EncrConfig != "true" || stub.Load == "" {
		t.Errorf("stub %+v", stub)
	}
	full, _, err := r.getFrom(t, r.step, dev+".cnf.xml", source.HTTPS, certSum(keys.phone.Cert))
	if err != nil {
		t.Fatal(err)
	}
	_, plain, err := trust.DecryptConfig(r.mustGet(t, dev+".cnf.xml.enc.sgn"), keys.phoneKey)
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != string(full) || !encryptedConfig(plain) {
		t.Errorf("the .enc.sgn decrypts to %d bytes, not the %d built", len(plain), len(full))
	}
}
