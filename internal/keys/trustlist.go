package keys

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"cmtftp/internal/trust"
)

// TrustList returns the trust list named name (ITLFile.tlv, CTLFile.tlv,
// ITLSEP<MAC>.tlv, …) built from the keys: the active SASTs (role SAST),
// the TFTP certificate (role TFTP), when there is one the EC HTTPS
// certificate as a second TFTP record, and the other clusters' TFTP
// certificates imported (store.KeyTrusted) as TFTP records too, signed by ListSigner with hash
// (SHA-512 when zero) at the signer version SignerVersion (1.1 with the EC
// record, §11.4), with now as its timestamp (none when zero). A CTL (ctl
// true) names the TFTP records' DNS name too, each certificate's first DNS
// name. cmtftp has no call-control (CCM) certificates: its CTL lists no
// CCM records, which phones need for secure signalling (SIP/SCCP over
// TLS) with a CUCM. A list over trust.MaxTrustListSize fails with
// trust.ErrTooLarge, naming its size.
func (k *Keyring) TrustList(name string, ctl bool, hash trust.Hash, now time.Time) ([]byte, error) {
	var entries []trust.Entry
	for _, s := range k.sasts {
		entries = append(entries, trust.Entry{Role: trust.RoleSAST, Cert: s.Cert})
	}
	servers := []trust.Signer{k.tftp}
	if k.https != nil {
		servers = append(servers, *k.https)
	}
	certs := make([]*x509.Certificate, 0, len(servers)+len(k.trusted))
	for _, s := range servers {
		certs = append(certs, s.Cert)
	}
	for _, c := range append(certs, k.trusted...) {
		e := trust.Entry{Role: trust.RoleTFTP, Cert: c}
		if ctl && len(c.DNSNames) > 0 {
			e.DNSName = c.DNSNames[0]
		}
		entries = append(entries, e)
	}
	b, err := trust.BuildTrustList(name, entries, k.ListSigner(), trust.TrustListOptions{Hash: hash, SignerVersion: k.SignerVersion(), Time: now})
	if errors.Is(err, trust.ErrTooManySAST) {
		return nil, fmt.Errorf("keys: %d active SASTs (a database edited by hand?); cmtftp keys rotate keeps the oldest: %w", len(k.sasts), err)
	}
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return b, nil
}
