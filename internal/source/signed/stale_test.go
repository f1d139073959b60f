package signed

import (
	"context"
	"crypto/md5"
	"crypto/x509"
	"encoding/hex"
	"encoding/xml"
	"sync/atomic"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
	"cmtftp/internal/trust"
)

// TestCertChangedWhileRead: a request reads the device's old certificate,
// the change (device cert set) arrives before that read ends: what the
// read made is not kept, and the next requests have the new certificate
// — the stub names it and the .enc.sgn decrypts with its key.
func TestCertChangedWhileRead(t *testing.T) {
	const dev = "SEP0000DE000009"
	r := newRig(t, map[string]string{dev + ".cnf.xml": deviceXML(t, "3")})
	st := r.mixed(keys.tftp1, "tftp#1")
	var calls atomic.Int64
	entered, release := make(chan struct{}), make(chan struct{})
	st.DeviceCert = func(context.Context, string) (*x509.Certificate, error) {
		if calls.Add(1) == 1 {
			close(entered)
			<-release // the change is delivered meanwhile
			return keys.tftp2.Cert, nil
		}
		return keys.phone.Cert, nil
	}
	r.state.Store(st)
	done := make(chan error)
	go func() {
		_, _, err := r.get(t, dev+".cnf.xml.enc.sgn", source.TFTP)
		done <- err
	}()
	<-entered
	r.step.HandleChange(context.Background(), store.Change{Kind: domain.KindDevice, Key: dev, Op: store.OpUpdate})
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var stub stubRead
	if err := xml.Unmarshal(verified(t, r.mustGet(t, dev+".cnf.xml.sgn"), keys.tftp1, dev+".cnf.xml.sgn"), &stub); err != nil {
		t.Fatal(err)
	}
	if sum := md5.Sum(keys.phone.Cert.Raw); stub.CertHash != hex.EncodeToString(sum[:]) {
		t.Errorf("the stub names certificate %s, not the new one", stub.CertHash)
	}
	if _, _, err := trust.DecryptConfig(r.mustGet(t, dev+".cnf.xml.enc.sgn"), keys.phoneKey); err != nil {
		t.Errorf("the .enc.sgn is not encrypted to the new certificate: %v", err)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("%d certificate reads, want 2 (the one before the change, one after)", n)
	}
}
