package keys

import (
	"errors"
	"fmt"
	"time"

	"cmtftp/internal/trust"
)

// TrustList returns the trust list named name (ITLFile.tlv, CTLFile.tlv,
// ITLSEP<MAC>.tlv, …) built from the keys: the active SASTs (role SAST)
// and the TFTP certificate (role TFTP), signed by ListSigner with hash
// (SHA-512 when zero) at the signer version SignerVersion, with now as its
// timestamp (none when zero). A CTL (ctl true) names the TFTP record's DNS
// name too, the TFTP certificate's first DNS name. cmtftp has no
// call-control (CCM) certificates: its CTL lists no CCM records, which
// phones need for secure signalling (SIP/SCCP over TLS) with a CUCM. A list
// over trust.MaxTrustListSize fails with trust.ErrTooLarge, naming its
// size.
func (k *Keyring) TrustList(name string, ctl bool, hash trust.Hash, now time.Time) ([]byte, error) {
	var entries []trust.Entry
	for _, s := range k.sasts {
		entries = append(entries, trust.Entry{Role: trust.RoleSAST, Cert: s.Cert})
	}
	tftp := trust.Entry{Role: trust.RoleTFTP, Cert: k.tftp.Cert}
	if ctl && len(k.tftp.Cert.DNSNames) > 0 {
		tftp.DNSName = k.tftp.Cert.DNSNames[0]
	}
	entries = append(entries, tftp)
	b, err := trust.BuildTrustList(name, entries, k.ListSigner(), trust.TrustListOptions{Hash: hash, SignerVersion: k.SignerVersion(), Time: now})
	if errors.Is(err, trust.ErrTooManySAST) {
		return nil, fmt.Errorf("keys: %d active SASTs (two rotations at once?); cmtftp keys rotate keeps the oldest: %w", len(k.sasts), err)
	}
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return b, nil
}
