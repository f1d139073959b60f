package keys

import (
	"cmp"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/trust"
)

// ErrServerCert reports a call-control server certificate that cannot be
// listed in a CTL: not an X.509 certificate, or not of an RSA key (§11.4:
// an EC certificate is for the TFTP or application-server role only).
var ErrServerCert = errors.New("keys: not a call-control server certificate")

// CallControl is a call-control server (a domain.Server of the site) as a
// CTL lists it: Name is the server's record name, Host its host (IPv4,
// IPv6 or DNS name), written as the record's DNS name (tag 2), and Cert
// its certificate — CUCM's CallManager certificate, RSA (§11.4: EC only
// for the TFTP or application-server role), stored with cmtftp server cert
// set. A CallControl without Cert is not listed.
type CallControl struct {
	Name, Host string
	Cert       *x509.Certificate
}

// TrustList returns the trust list named name (ITLFile.tlv, CTLFile.tlv,
// ITLSEP<MAC>.tlv, …) built from the keys: the active SASTs (role SAST),
// the TFTP certificate (role TFTP), when there is one the EC HTTPS
// certificate as a second TFTP record, and the other clusters' TFTP
// certificates imported (store.KeyTrusted) as TFTP records too, signed by
// ListSigner with hash (SHA-512 when zero) at the signer version
// SignerVersion (1.1 with the EC record, §11.4), with now as its timestamp
// (none when zero).
//
// A CTL (ctl true) names the TFTP records' DNS name too, each
// certificate's first DNS name, and lists after them one record of role
// CCM per server of ccm with a certificate, in the order given, its DNS
// name the server's host: the certificates phones check the call-control
// servers' TLS signalling (SIP/SCCP over TLS) against. An ITL ignores ccm:
// it names the TFTP, SAST, CAPF and TVS roles a phone checks files and
// services with; CUCM puts the CallManager certificates in the CTL only.
//
// A list over trust.MaxTrustListSize fails with trust.ErrTooLarge,
// naming its size (and, in a CTL, how many call-control certificates it
// holds).
func (k *Keyring) TrustList(name string, ctl bool, hash trust.Hash, now time.Time, ccm []CallControl) ([]byte, error) {
	entries := k.entries(ctl)
	listed := 0
	for _, c := range ccm {
		if ctl && c.Cert != nil {
			entries = append(entries, trust.Entry{Role: trust.RoleCCM, Cert: c.Cert, DNSName: c.Host})
			listed++
		}
	}
	b, err := trust.BuildTrustList(name, entries, k.ListSigner(), trust.TrustListOptions{Hash: hash, SignerVersion: k.SignerVersion(), Time: now})
	switch {
	case errors.Is(err, trust.ErrTooManySAST):
		return nil, fmt.Errorf("keys: %d active SASTs (a database edited by hand?); cmtftp keys rotate keeps the oldest: %w", len(k.sasts), err)
	case errors.Is(err, trust.ErrTooLarge) && listed > 0:
		return nil, fmt.Errorf("keys: %d call-control certificates (cmtftp server cert delete removes one): %w", listed, err)
	case err != nil:
		return nil, fmt.Errorf("keys: %w", err)
	}
	return b, nil
}

// entries returns the records of the keys: the SASTs, then the TFTP
// records (the TFTP and HTTPS certificates and the trusted ones), with
// their DNS names in a CTL.
func (k *Keyring) entries(ctl bool) []trust.Entry {
	sasts := make([]*x509.Certificate, len(k.sasts))
	for i, s := range k.sasts {
		sasts[i] = s.Cert
	}
	servers := []*x509.Certificate{k.tftp.Cert}
	if k.https != nil {
		servers = append(servers, k.https.Cert)
	}
	return listEntries(sasts, append(servers, k.trusted...), ctl)
}

// listEntries are the records of a list naming sasts (role SAST) and the
// TFTP certificates tftp (role TFTP; in a CTL with their first DNS name).
func listEntries(sasts, tftp []*x509.Certificate, ctl bool) []trust.Entry {
	var entries []trust.Entry
	for _, c := range sasts {
		entries = append(entries, trust.Entry{Role: trust.RoleSAST, Cert: c})
	}
	for _, c := range tftp {
		e := trust.Entry{Role: trust.RoleTFTP, Cert: c}
		if ctl && len(c.DNSNames) > 0 {
			e.DNSName = c.DNSNames[0]
		}
		entries = append(entries, e)
	}
	return entries
}

// ParseServerCert returns the DER of a call-control server certificate
// given as PEM (its first CERTIFICATE block) or DER; it must be an X.509
// certificate of an RSA key.
func ParseServerCert(data []byte) ([]byte, error) {
	return parseRSACert(data, ErrServerCert)
}

// PutServerCert stores the certificate data (PEM or DER, see
// ParseServerCert) as the call-control server's, which the CTL then
// lists, and describes it. The server must exist (domain.ErrNotFound).
func PutServerCert(ctx context.Context, ks store.KeyStore, server string, data []byte) (CertInfo, error) {
	der, info, err := readCert(data, ErrServerCert)
	if err != nil {
		return CertInfo{}, err
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return CertInfo{}, fmt.Errorf("%w: %w", ErrServerCert, err)
	}
	if err := fits(ctx, ks, addition{server: server, cert: c}); err != nil {
		return CertInfo{}, err
	}
	if err := ks.PutServerCert(ctx, server, der); err != nil {
		return CertInfo{}, fmt.Errorf("keys: %w", err)
	}
	return info, nil
}

// ServerCert returns the call-control server's certificate as PEM, and
// what it is; domain.ErrNotFound when it has none.
func ServerCert(ctx context.Context, ks store.KeyStore, server string) ([]byte, CertInfo, error) {
	certs, err := ks.ServerCerts(ctx)
	if err != nil {
		return nil, CertInfo{}, fmt.Errorf("keys: %w", err)
	}
	der, ok := certs[server]
	if !ok {
		return nil, CertInfo{}, fmt.Errorf("keys: certificate of server %s: %w", server, domain.ErrNotFound)
	}
	return pemOf(der)
}

// LoadCallControl returns the call-control servers of st that have a
// certificate in ks, by name, for TrustList. A certificate that cannot be
// listed (stored by plain SQL: not X.509, not RSA) is left out, and the
// error, wrapping ErrServerCert, names it, with the others returned; any
// other error is the store's, with nothing returned.
func LoadCallControl(ctx context.Context, st store.Store, ks store.KeyStore) ([]CallControl, error) {
	certs, err := ks.ServerCerts(ctx)
	if err != nil {
		return nil, fmt.Errorf("keys: server certificates: %w", err)
	}
	if len(certs) == 0 {
		return nil, nil
	}
	servers, err := store.List[*domain.Server](ctx, st)
	if err != nil {
		return nil, fmt.Errorf("keys: servers: %w", err)
	}
	var out []CallControl
	var bad []error
	for _, s := range servers {
		der, ok := certs[s.Name]
		if !ok {
			continue
		}
		c, err := x509.ParseCertificate(der)
		if err == nil {
			if _, ok := c.PublicKey.(*rsa.PublicKey); !ok {
				err = fmt.Errorf("a %s key, not RSA", c.PublicKeyAlgorithm)
			}
		}
		if err != nil {
			bad = append(bad, fmt.Errorf("%w: server %s: %w", ErrServerCert, s.Name, err))
			continue
		}
		out = append(out, CallControl{Name: s.Name, Host: s.Host, Cert: c})
	}
	slices.SortFunc(out, func(a, b CallControl) int { return cmp.Compare(a.Name, b.Name) })
	return out, errors.Join(bad...)
}
