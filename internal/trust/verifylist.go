package trust

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/x509"
	"errors"
	"fmt"
)

// ErrUntrusted reports a file signed by a certificate the phone does not
// trust: a trust list whose signer is not a SAST of the installed list
// (§11.2 rollover rule), or a signed file whose signer is not a TFTP record
// of the trust list.
var ErrUntrusted = errors.New("trust: signer not trusted")

// VerifyTrustList is a phone's acceptance check of a trust list (ITL or CTL)
// file, given the records of the list it has installed (none: "leap of
// faith"). The file must parse, carry header version 1.2 with a signer
// version (tag 28), hash with SHA-1, SHA-256 or SHA-512, hold at least one
// record (ParseTrustList checks) and one or two SAST records, one of which is the header's signer
// (name, issuer and serial). With installed records, that signer must also
// be a SAST record of installed, matched by serial, issuer and certificate
// hash (the name alone is not enough): else ErrUntrusted. The signature is
// verified with the key of the trusted SAST record (installed's, else the
// list's own). It returns the header and records of the accepted list.
func VerifyTrustList(file []byte, installed []Record) (Header, []Record, error) {
	h, recs, err := ParseTrustList(file)
	if err != nil {
		return h, nil, err
	}
	if err := checkListHeader(&h, recs); err != nil {
		return h, nil, err
	}
	own, err := listedSigner(&h, recs)
	if err != nil {
		return h, nil, err
	}
	trusted := own
	if len(installed) > 0 {
		if trusted, err = installedSAST(own, installed); err != nil {
			return h, nil, fmt.Errorf("%s signed by %s: %w", h.Filename, h.SignerName, err)
		}
	}
	pub, err := recordKey(trusted)
	if err != nil {
		return h, nil, err
	}
	if err := verifyHeader(file, &h, pub); err != nil {
		return h, nil, err
	}
	return h, recs, nil
}

// checkListHeader checks the version, signer version, hash and record
// counts of a parsed trust list.
func checkListHeader(h *Header, recs []Record) error {
	if h.Version != (Version{1, 2}) || h.SignerVersion == nil {
		return fmt.Errorf("trust list of version %v, signer version %v (want 1.2 with tag 28): %w", h.Version, h.SignerVersion, ErrMalformed)
	}
	if _, err := h.Hash.crypto(); err != nil {
		return err
	}
	n := 0
	for _, r := range recs {
		if r.Role == RoleSAST {
			n++
		}
	}
	if n > maxSAST {
		return fmt.Errorf("%d SAST records: %w", n, ErrTooManySAST)
	}
	return nil
}

// listedSigner returns the SAST record of recs that names the header's
// signer: same subject, issuer and serial.
func listedSigner(h *Header, recs []Record) (Record, error) {
	for _, r := range recs {
		if r.Role == RoleSAST && r.Subject == h.SignerName && r.Issuer == h.IssuerName && bytes.Equal(r.Serial, h.Serial) {
			return r, nil
		}
	}
	return Record{}, fmt.Errorf("signer %s (issuer %s, serial % x): %w", h.SignerName, h.IssuerName, h.Serial, ErrSignerNotListed)
}

// installedSAST returns the SAST record of installed that is the same
// certificate as own: same serial, issuer and certificate hash.
func installedSAST(own Record, installed []Record) (Record, error) {
	sum := certDigest(own)
	for _, r := range installed {
		if r.Role == RoleSAST && r.Issuer == own.Issuer && bytes.Equal(r.Serial, own.Serial) && sum != nil && bytes.Equal(certDigest(r), sum) {
			return r, nil
		}
	}
	return Record{}, fmt.Errorf("not a SAST of the installed list: %w", ErrUntrusted)
}

// certDigest is the SHA-1 of a record's certificate (tag 9), else its
// recorded certificate hash (tag 11) when that is SHA-1; nil when neither.
func certDigest(r Record) []byte {
	if len(r.Certificate) > 0 {
		s := sha1.Sum(r.Certificate)
		return s[:]
	}
	if len(r.CertHash) == sha1.Size && (r.HashAlg == SHA1 || r.HashAlg == 0) {
		return r.CertHash
	}
	return nil
}

// recordKey returns the public key of a record: from its certificate (tag
// 9) when that parses, else its public-key element (tag 7, RSA PKCS#1).
func recordKey(r Record) (crypto.PublicKey, error) {
	if c, err := x509.ParseCertificate(r.Certificate); err == nil {
		return c.PublicKey, nil
	}
	k, err := x509.ParsePKCS1PublicKey(r.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("record of %s: neither certificate nor RSA key parses: %w (%w)", r.Subject, ErrKey, err)
	}
	return k, nil
}

// Certificates returns the certificates (tag 9) of the records whose role
// is one of roles, in list order; records whose certificate does not parse
// are left out. Certificates(recs, RoleTFTP, RoleCCMTFTP) are the keys a
// phone checks a signed configuration file against.
func Certificates(records []Record, roles ...Role) []*x509.Certificate {
	var out []*x509.Certificate
	for _, r := range records {
		if !hasRole(r, roles) {
			continue
		}
		if c, err := x509.ParseCertificate(r.Certificate); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// hasRole reports whether r's role is one of roles.
func hasRole(r Record, roles []Role) bool {
	for _, x := range roles {
		if r.Role == x {
			return true
		}
	}
	return false
}

// VerifySigned is a phone's check of a signed file (".sgn") against its
// installed trust list: the header's signer (name, issuer, serial) must be a
// TFTP or CCM+TFTP record of list (else ErrUntrusted), and the signature
// must verify with that record's key (else ErrSignature). It returns the
// header and payload.
func VerifySigned(file []byte, list []Record) (Header, []byte, error) {
	h, payload, err := ParseHeader(file)
	if err != nil {
		return h, nil, err
	}
	err = fmt.Errorf("%s signed by %s (serial % x), no TFTP record of the trust list: %w", h.Filename, h.SignerName, h.Serial, ErrUntrusted)
	for _, r := range list {
		if !hasRole(r, []Role{RoleTFTP, RoleCCMTFTP}) || r.Subject != h.SignerName || r.Issuer != h.IssuerName || !bytes.Equal(r.Serial, h.Serial) {
			continue
		}
		pub, kerr := recordKey(r)
		if kerr != nil {
			err = kerr
			continue
		}
		if err = verifyHeader(file, &h, pub); err == nil {
			return h, payload, nil
		}
	}
	return h, nil, err
}
