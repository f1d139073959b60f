package keys

import (
	"context"
	"crypto/x509"
	"fmt"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/trust"
)

// longestName is the longest trust-list name a phone asks for: the sizes
// are reckoned for it (the header carries the name).
const longestName = "ext_ITLSEP001122AABBCC.tlv"

// addition is a certificate about to be stored that the lists will name:
// another cluster's TFTP certificate, or a call-control server's.
type addition struct {
	trusted *x509.Certificate
	server  string
	cert    *x509.Certificate
}

// fits checks that the ITL and the CTL of the stored keys and call-control
// certificates, with add counted in, stay within trust.MaxTrustListSize,
// before add is stored: a list phones would refuse is never published
// (without keys of its own, the cluster publishes none: nothing to check).
// Only public certificates are read; no secret is needed. The servers'
// hosts come from ks when it is a store.Store too (both backends are);
// else a host of 255 bytes is assumed for each.
func fits(ctx context.Context, ks store.KeyStore, add addition) error {
	active, err := ks.Keys(ctx, false)
	if err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	var sasts, tftp []*x509.Certificate
	for _, k := range active {
		c, err := x509.ParseCertificate(k.Cert)
		if err != nil {
			continue // Load leaves it out too
		}
		if k.Role == store.KeySAST {
			sasts = append(sasts, c)
		} else {
			tftp = append(tftp, c)
		}
	}
	if len(sasts) == 0 {
		return nil // no list is published before keys init
	}
	if add.trusted != nil {
		tftp = append(tftp, add.trusted)
	}
	ccm, err := callControlEntries(ctx, ks, add)
	if err != nil {
		return err
	}
	o := trust.TrustListOptions{SignerVersion: trust.Version{Major: 1, Minor: 1}, Time: time.Now()}
	for _, ctl := range []bool{false, true} {
		entries := listEntries(sasts, tftp, ctl)
		if ctl {
			entries = append(entries, ccm...)
		}
		n, err := trust.TrustListSize(longestName, entries, sasts[0], o)
		if err != nil {
			return fmt.Errorf("keys: %w", err)
		}
		if n > trust.MaxTrustListSize {
			return fmt.Errorf("keys: with it the %s would be %d bytes (%d records), over the %d bytes phones take: %w",
				listKind(ctl), n, len(entries), trust.MaxTrustListSize, trust.ErrTooLarge)
		}
	}
	return nil
}

// callControlEntries are the CTL's CCM records of the stored server
// certificates, with add's.
func callControlEntries(ctx context.Context, ks store.KeyStore, add addition) ([]trust.Entry, error) {
	certs, err := ks.ServerCerts(ctx)
	if err != nil {
		return nil, fmt.Errorf("keys: server certificates: %w", err)
	}
	if add.server != "" {
		certs[add.server] = add.cert.Raw
	}
	hosts := map[string]string{}
	if st, ok := ks.(store.Store); ok && len(certs) > 0 {
		servers, err := store.List[*domain.Server](ctx, st)
		if err != nil {
			return nil, fmt.Errorf("keys: servers: %w", err)
		}
		for _, s := range servers {
			hosts[s.Name] = s.Host
		}
	}
	var out []trust.Entry
	for name, der := range certs {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			continue // LoadCallControl leaves it out too
		}
		host, ok := hosts[name]
		if !ok {
			host = string(make([]byte, 255))
		}
		out = append(out, trust.Entry{Role: trust.RoleCCM, Cert: c, DNSName: host})
	}
	return out, nil
}

func listKind(ctl bool) string {
	if ctl {
		return "CTL"
	}
	return "ITL"
}
