package assembly

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/keys"
	"cmtftp/internal/source"
	"cmtftp/internal/source/signed"
	"cmtftp/internal/store"
	"cmtftp/internal/trust"
)

// security is the cluster's security state: the ClusterSecurityMode and
// signature-hash parameters, the signing keys and the call-control
// servers' certificates the CTL lists, reloaded from the database when a
// rotation or a server changes them (a change event of kind keys or
// server), and published as the signed.State the signed step serves with
// and the certificate HTTPS 6971 presents.
type security struct {
	st     store.Store
	keys   store.KeyStore // nil: the backend keeps no keys
	secret []byte         // unseals the private keys; nil: they cannot be used
	log    *slog.Logger

	mu    sync.Mutex
	mixed bool
	hash  trust.Hash
	ring  *keys.Keyring // nil: no keys (or they cannot be unsealed)
	ccm   []keys.CallControl

	state atomic.Pointer[signed.State]
	cert  atomic.Pointer[tls.Certificate]
}

// newSecurity loads the keys and publishes the state of params.
func newSecurity(ctx context.Context, st store.Store, secret []byte, params domain.ParamValues, log *slog.Logger) *security {
	c := &security{st: st, secret: secret, log: log}
	c.keys, _ = store.KeysOf(st)
	c.mixed, c.hash = modeOf(params)
	c.reload(ctx, true)
	return c
}

// modeOf reads the two security parameters.
func modeOf(p domain.ParamValues) (mixed bool, hash trust.Hash) {
	hash = trust.SHA512
	if p[domain.ParamSignatureHash] == domain.SignatureSHA1 {
		hash = trust.SHA1
	}
	return p[domain.ParamClusterSecurityMode] == domain.SecurityModeMixed, hash
}

// setParams follows the parameters (the paramFollower calls it).
func (c *security) setParams(p domain.ParamValues) {
	mixed, hash := modeOf(p)
	c.mu.Lock()
	defer c.mu.Unlock()
	if mixed == c.mixed && hash == c.hash {
		return
	}
	c.mixed, c.hash = mixed, hash
	c.log.Info("cluster security mode", "mode", modeName(mixed), "signature_hash", hashName(hash))
	c.publish()
}

// reload reads the call-control certificates again, and the keys too
// when withKeys (a server's change leaves them be: no unsealing), and
// publishes them when they changed (a new state makes every signed file
// again: a resync with the same keys must not).
func (c *security) reload(ctx context.Context, withKeys bool) {
	ccm, ccmErr := c.loadCallControl(ctx)
	var ring *keys.Keyring
	err := errKeysKept
	if withKeys {
		ring, err = c.loadRing(ctx)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if ccmErr != nil && ccm == nil {
		c.log.Error("call-control certificates not reloaded; keeping the current ones", "err", ccmErr)
		ccm = c.ccm
	} else if ccmErr != nil {
		c.log.Error("call-control certificates left out of the CTL", "err", ccmErr)
	}
	changed := c.state.Load() == nil || !sameCallControl(c.ccm, ccm)
	c.ccm = ccm
	switch {
	case err == nil:
		if ring.LeftOut() != nil {
			c.log.Error("signing keys", "err", ring.LeftOut())
		}
		changed = changed || !sameKeys(c.ring, ring)
		c.ring = ring
	case errors.Is(err, keys.ErrNoKeys):
		changed = changed || c.ring != nil
		c.ring = nil
	case errors.Is(err, errKeysKept):
	default:
		// Keep the keys in use: a database that went away must not
		// make a secure cluster serve unsigned files.
		c.log.Error("signing keys not reloaded; keeping the current ones", "err", err)
	}
	if changed {
		c.publish()
	}
}

// errKeysKept is reload's "the keys were not read again".
var errKeysKept = errors.New("keys not read again")

// sameKeys reports whether two keyrings hold the same keys.
func sameKeys(a, b *keys.Keyring) bool {
	if a == nil || b == nil {
		return a == b
	}
	ka, kb := a.Keys(), b.Keys()
	return slices.EqualFunc(ka, kb, func(x, y store.Key) bool { return x.ID == y.ID })
}

// sameCallControl reports whether two lists of call-control servers name
// the same servers, hosts and certificates.
func sameCallControl(a, b []keys.CallControl) bool {
	return slices.EqualFunc(a, b, func(x, y keys.CallControl) bool {
		return x.Name == y.Name && x.Host == y.Host && x.Cert.Equal(y.Cert)
	})
}

// loadCallControl reads the call-control servers' certificates (see
// keys.LoadCallControl: on a certificate left out, the others and an
// error).
func (c *security) loadCallControl(ctx context.Context) ([]keys.CallControl, error) {
	if c.keys == nil {
		return nil, nil
	}
	return keys.LoadCallControl(ctx, c.st, c.keys)
}

// loadRing reads and unseals the keys.
func (c *security) loadRing(ctx context.Context) (*keys.Keyring, error) {
	if c.keys == nil {
		return nil, keys.ErrNoKeys
	}
	if c.secret == nil {
		ks, err := c.keys.Keys(ctx, false)
		if err != nil {
			return nil, err
		}
		if len(ks) == 0 {
			return nil, keys.ErrNoKeys
		}
		return nil, fmt.Errorf("%d signing keys in the database but no secret to unseal them (--keys-secret-file, CMTFTP_KEYS_SECRET_FILE or CMTFTP_KEYS_SECRET)", len(ks))
	}
	return keys.Load(ctx, c.keys, c.secret)
}

// publish makes the current mode and keys the state requests are served
// with. Called holding mu.
func (c *security) publish() {
	st := &signed.State{Mixed: c.mixed, Hash: c.hash, DeviceCert: c.deviceCert}
	ring := c.ring
	if ring == nil {
		if c.mixed {
			c.log.Error("ClusterSecurityMode is mixed but there are no usable signing keys: trust lists are not served and .sgn requests are told busy; run cmtftp keys init")
		}
		st.TrustList = func(string, bool) ([]byte, error) { return nil, keys.ErrNoKeys }
		c.state.Store(st)
		c.cert.Store(nil)
		return
	}
	st.Signer = ring.TFTP()
	st.SignerName = keyName(st.Signer)
	hash, ccm := c.hash, c.ccm
	st.TrustList = func(name string, ctl bool) ([]byte, error) { return ring.TrustList(name, ctl, hash, time.Now(), ccm) }
	st.ListSignerName = keyName(ring.ListSigner())
	c.state.Store(st)
	cert := ring.TFTPCertificate()
	c.cert.Store(&cert)
	if c.mixed {
		c.log.Info("signing", "tftp_key", st.SignerName, "list_signer", st.ListSignerName)
	}
}

// State is the signed step's State hook.
func (c *security) State() *signed.State { return c.state.Load() }

// certificate is HTTPS 6971's tls.Config.GetCertificate: the TFTP key's
// certificate, the one of the keys in use (a rotation changes it without
// a restart).
func (c *security) certificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	if cert := c.cert.Load(); cert != nil {
		return cert, nil
	}
	return nil, errors.New("no TFTP certificate for HTTPS: run cmtftp keys init")
}

// deviceCert is the State's DeviceCert hook.
func (c *security) deviceCert(ctx context.Context, device string) (*x509.Certificate, error) {
	if c.keys == nil {
		return nil, fmt.Errorf("device %s: %w", device, source.ErrNotFound)
	}
	der, err := c.keys.DeviceCert(ctx, device)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, fmt.Errorf("device %s has no certificate: %w", device, source.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

var _ store.ChangeHandler = (*security)(nil)

// HandleChange implements store.ChangeHandler: a rotation or a resync
// reloads the keys and the call-control certificates, a change of a
// server (its host or certificate) the call-control certificates.
func (c *security) HandleChange(ctx context.Context, ch store.Change) {
	switch ch.Kind {
	case store.KindKeys, store.KindResync:
		c.reload(ctx, true)
	case domain.KindServer:
		c.reload(ctx, false)
	}
}

// keyName is how logs and the boot timeline name a key: its subject's CN
// and its certificate's SHA-1 fingerprint, as phones show it.
func keyName(s trust.Signer) string {
	sha1, _ := trust.Fingerprint(s.Cert.Raw)
	return fmt.Sprintf("%s (SHA-1 %s)", s.Cert.Subject.CommonName, sha1)
}

func modeName(mixed bool) string {
	if mixed {
		return domain.SecurityModeMixed
	}
	return domain.SecurityModeNonSecure
}

func hashName(h trust.Hash) string {
	if h == trust.SHA1 {
		return domain.SignatureSHA1
	}
	return domain.SignatureSHA512
}
