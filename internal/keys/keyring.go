package keys

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"cmtftp/internal/store"
	"cmtftp/internal/trust"
)

// ErrNoKeys reports a store holding no active signing keys.
var ErrNoKeys = errors.New("keys: no signing keys (run cmtftp keys init)")

// ErrKeysExist reports an Init over keys that exist already.
var ErrKeysExist = errors.New("keys: signing keys exist already (cmtftp keys rotate replaces them)")

// ErrIncomplete reports active keys without a SAST or without a TFTP key.
var ErrIncomplete = errors.New("keys: the active signing keys lack a SAST or a TFTP key")

// maxSAST is how many SASTs a trust list holds (§11.2).
const maxSAST = 2

// Keyring is the active signing keys, unsealed: the SASTs oldest first,
// the TFTP key (RSA) and, when there is one, the EC key that serves HTTPS
// on 6971. It is immutable; Load, Init and Rotate return new ones.
type Keyring struct {
	keys  []store.Key
	sasts []trust.Signer
	tftp  trust.Signer
	https *trust.Signer // nil: the TFTP certificate serves HTTPS
	// trusted are other clusters' TFTP certificates the lists also name
	// (store.KeyTrusted).
	trusted []*x509.Certificate
	leftOut error // the trusted certificates that could not be read
}

// LeftOut names the stored trusted certificates Load left out because they
// could not be read (nil when none).
func (k *Keyring) LeftOut() error { return k.leftOut }

// Init creates the first keys — one SAST and one TFTP key pair (RSA), and
// an EC HTTPS key pair when o.HTTPSKey is EC, sealed under secret — and
// refuses (ErrKeysExist) when active keys exist, also when another Init
// or Rotate stores keys while this one makes them.
func Init(ctx context.Context, ks store.KeyStore, secret []byte, o Options) (*Keyring, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	active, err := ks.Keys(ctx, false)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	if len(active) > 0 {
		return nil, fmt.Errorf("%w: %d active", ErrKeysExist, len(active))
	}
	all, err := ks.Keys(ctx, true)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	add, err := newKeys(secret, o, countRole(all, store.KeySAST)+1)
	if err != nil {
		return nil, err
	}
	_, err = ks.RotateKeys(ctx, nil, add, nil)
	if errors.Is(err, store.ErrKeysChanged) {
		return nil, fmt.Errorf("%w (another keys init or rotate came first): %w", ErrKeysExist, err)
	}
	if err != nil {
		return nil, fmt.Errorf("keys: storing the new keys: %w", err)
	}
	return Load(ctx, ks, secret)
}

// Rotate replaces the TFTP key (and the HTTPS key) and adds a SAST,
// retiring the oldest SAST when two are active, in one RotateKeys: the
// list signer (the oldest active SAST) is then one the lists before
// already held (§11.2). Options left zero are taken from the keys
// replaced (an EC HTTPS key is replaced by an EC one). The secret must
// open the active keys. The store checks that the active keys are still
// those Rotate read: of two rotations at once one fails with
// store.ErrKeysChanged, writing nothing. Should a database edited by hand
// hold more than two active SASTs, Rotate keeps only the oldest of them —
// the one the lists before were signed by or held — and adds one.
func Rotate(ctx context.Context, ks store.KeyStore, secret []byte, o Options) (*Keyring, error) {
	cur, err := Load(ctx, ks, secret)
	if err != nil {
		return nil, err
	}
	o, err = cur.inherit(o).withDefaults()
	if err != nil {
		return nil, err
	}
	all, err := ks.Keys(ctx, true)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	add, err := newKeys(secret, o, countRole(all, store.KeySAST)+1)
	if err != nil {
		return nil, err
	}
	if _, err := ks.RotateKeys(ctx, cur.ids(), add, cur.toRetire()); err != nil {
		return nil, fmt.Errorf("keys: storing the rotation: %w", err)
	}
	return Load(ctx, ks, secret)
}

// ids returns the IDs of the keys of k.
func (k *Keyring) ids() []int64 {
	ids := make([]int64, len(k.keys))
	for i, key := range k.keys {
		ids[i] = key.ID
	}
	return ids
}

// toRetire returns the IDs a rotation retires: every TFTP and HTTPS key,
// and of two SASTs the oldest (never another cluster's trusted
// certificate). Of more than two (a database edited by
// hand) it keeps only the oldest: the lists published before were signed
// by or held it, and the next list is signed by it.
func (k *Keyring) toRetire() []int64 {
	var sasts []int64 // oldest first, as the store returns them
	for _, key := range k.keys {
		if key.Role == store.KeySAST {
			sasts = append(sasts, key.ID)
		}
	}
	keep := sasts[len(sasts)-1] // of one or two, the newest
	if len(sasts) > maxSAST {
		keep = sasts[0]
	}
	var retire []int64
	for _, key := range k.keys {
		if key.ID != keep && key.Role != store.KeyTrusted { // another cluster's certificates stay
			retire = append(retire, key.ID)
		}
	}
	return retire
}

// countRole returns how many of keys have role r.
func countRole(keys []store.Key, r store.KeyRole) int64 {
	var n int64
	for _, k := range keys {
		if k.Role == r {
			n++
		}
	}
	return n
}

// newKeys makes the n-th SAST, a TFTP key (RSA) and, when o asks for an
// EC HTTPS key, that one, sealed, to add.
func newKeys(secret []byte, o Options, n int64) ([]store.Key, error) {
	if len(secret) < MinSecret {
		return nil, fmt.Errorf("%w: %d bytes, at least %d are needed", ErrNoSecret, len(secret), MinSecret)
	}
	sk, sc, err := newSAST(o, n)
	if err != nil {
		return nil, err
	}
	add := []store.Key{{Role: store.KeySAST, Cert: sc}}
	privs := []crypto.Signer{sk}
	kinds := []KeyType{RSA}
	if o.HTTPSKey == EC {
		kinds = append(kinds, EC)
	}
	for _, kt := range kinds {
		priv, der, err := newServer(o, kt)
		if err != nil {
			return nil, err
		}
		role := store.KeyTFTP
		if kt == EC {
			role = store.KeyHTTPS
		}
		add, privs = append(add, store.Key{Role: role, Cert: der}), append(privs, priv)
	}
	for i := range add {
		if add[i].Sealed, err = Seal(secret, add[i].Role, add[i].Cert, privs[i]); err != nil {
			return nil, err
		}
	}
	return add, nil
}

// Load returns the active keys unsealed with secret: ErrNoKeys when there
// are none, ErrWrongSecret when secret did not seal them.
func Load(ctx context.Context, ks store.KeyStore, secret []byte) (*Keyring, error) {
	active, err := ks.Keys(ctx, false)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	if len(active) == 0 {
		return nil, ErrNoKeys
	}
	k := &Keyring{keys: active}
	for _, key := range active {
		if key.Role == store.KeyTrusted {
			// One that does not parse (stored by plain SQL) is left out
			// and named; it must not stop the cluster signing.
			c, err := x509.ParseCertificate(key.Cert)
			if err != nil {
				k.leftOut = errors.Join(k.leftOut, fmt.Errorf("keys: trusted certificate %d left out of the lists: %w", key.ID, err))
				continue
			}
			k.trusted = append(k.trusted, c)
			continue
		}
		s, err := unsealKey(secret, key)
		if err != nil {
			return nil, err
		}
		switch key.Role { // of TFTP and HTTPS keys the newest, should there be two
		case store.KeySAST:
			k.sasts = append(k.sasts, s)
		case store.KeyTFTP:
			k.tftp = s
		case store.KeyHTTPS:
			k.https = &s
		default:
			return nil, fmt.Errorf("keys: key %d has the unknown role %q", key.ID, key.Role)
		}
	}
	if len(k.sasts) == 0 || k.tftp.Key == nil {
		return nil, fmt.Errorf("%w: %d SAST, TFTP %v", ErrIncomplete, len(k.sasts), k.tftp.Key != nil)
	}
	return k, nil
}

// unsealKey returns the signer of one stored key.
func unsealKey(secret []byte, key store.Key) (trust.Signer, error) {
	priv, err := Unseal(secret, key.Role, key.Cert, key.Sealed)
	if err != nil {
		return trust.Signer{}, fmt.Errorf("key %d (%s): %w", key.ID, key.Role, err)
	}
	cert, err := x509.ParseCertificate(key.Cert)
	if err != nil {
		return trust.Signer{}, fmt.Errorf("key %d (%s): %w", key.ID, key.Role, err)
	}
	return trust.Signer{Key: priv, Cert: cert}, nil
}

// inherit returns o with its zero fields taken from the current keys.
func (k *Keyring) inherit(o Options) Options {
	tc := k.tftp.Cert
	if o.HTTPSKey == "" {
		o.HTTPSKey = RSA
		if k.https != nil {
			o.HTTPSKey = EC
		}
	}
	if pub, ok := k.ListSigner().Cert.PublicKey.(*rsa.PublicKey); ok && o.Bits == 0 {
		o.Bits = pub.Size() * 8
	}
	if len(o.TFTPNames) == 0 {
		o.TFTPNames = append(append([]string{}, tc.DNSNames...), ipStrings(tc)...)
		if len(tc.DNSNames) == 0 || tc.DNSNames[0] != tc.Subject.CommonName {
			o.TFTPNames = uniq(append([]string{tc.Subject.CommonName}, o.TFTPNames...)...)
		}
	}
	if o.Org == "" && len(tc.Subject.Organization) > 0 {
		o.Org = tc.Subject.Organization[0]
	}
	if o.OrgUnit == "" && len(tc.Subject.OrganizationalUnit) > 0 {
		o.OrgUnit = tc.Subject.OrganizationalUnit[0]
	}
	return o
}

// ipStrings returns a certificate's IP addresses as text.
func ipStrings(c *x509.Certificate) []string {
	var out []string
	for _, ip := range c.IPAddresses {
		out = append(out, ip.String())
	}
	return out
}

// ListSigner returns the SAST that signs the trust lists: the oldest
// active one.
func (k *Keyring) ListSigner() trust.Signer { return k.sasts[0] }

// SASTs returns the active SASTs, oldest first.
func (k *Keyring) SASTs() []trust.Signer { return append([]trust.Signer(nil), k.sasts...) }

// TFTP returns the TFTP key, RSA, which signs the .sgn files.
func (k *Keyring) TFTP() trust.Signer { return k.tftp }

// HTTPS returns the EC key that serves HTTPS on 6971, and false when
// there is none (the TFTP key serves it).
func (k *Keyring) HTTPS() (trust.Signer, bool) {
	if k.https == nil {
		return trust.Signer{}, false
	}
	return *k.https, true
}

// TFTPCertificate returns the certificate and key HTTPS on 6971 serves:
// the EC HTTPS key's when there is one, else the TFTP key's.
func (k *Keyring) TFTPCertificate() tls.Certificate {
	s := k.tftp
	if k.https != nil {
		s = *k.https
	}
	return tls.Certificate{Certificate: [][]byte{s.Cert.Raw}, PrivateKey: s.Key, Leaf: s.Cert}
}

// Keys returns the active keys as stored (sealed), oldest first.
func (k *Keyring) Keys() []store.Key { return append([]store.Key(nil), k.keys...) }

// SignerVersion returns the trust lists' signer version: 1.1 when there
// is an EC HTTPS key (the lists name its certificate, §11.4), else 1.0.
func (k *Keyring) SignerVersion() trust.Version {
	if k.https != nil {
		return trust.Version{Major: 1, Minor: 1}
	}
	return trust.Version{Major: 1, Minor: 0}
}
