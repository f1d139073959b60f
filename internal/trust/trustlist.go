package trust

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// MaxTrustListSize is the largest trust list phones accept (64 KiB, about
// 39 certificates); BuildTrustList refuses larger lists.
const MaxTrustListSize = 64 << 10

// maxSAST is how many SAST records a list may hold (§11.2).
const maxSAST = 2

// ErrSignerNotListed reports a trust list whose signer is not one of its SAST
// records (§11.2: the SAST that signs is itself listed in the body).
var ErrSignerNotListed = errors.New("trust: signer not listed as SAST")

// ErrTooManySAST reports a trust list with more than two SAST records.
var ErrTooManySAST = errors.New("trust: more than two SAST records")

// Role is the function of a trust-list record (tag 4).
type Role uint16

// The roles of §11.2.
const (
	RoleSAST      Role = 0
	RoleCCM       Role = 1
	RoleCCMTFTP   Role = 2
	RoleTFTP      Role = 3
	RoleCAPF      Role = 4
	RoleAppServer Role = 7
	RoleTVS       Role = 21
)

// TrustListOptions are the choices of a trust list; the zero value signs with
// SHA-512, signer version 1.0 and no timestamp.
type TrustListOptions struct {
	Hash          Hash      // SHA512 when zero; SHA1 for old firmware
	SignerVersion Version   // tag 28; 1.0 when zero, 1.1 enables EC/HTTPS 6971
	Time          time.Time // the timestamp (tag 15); omitted when zero
}

// BuildTrustList returns the signed trust list (ITL or CTL) named name that
// lists entries, signed by s, which must be one of its SAST entries. The
// header is §11.1's with version 1.2 and the signer version (tag 28). A list
// over MaxTrustListSize is refused with ErrTooLarge.
func BuildTrustList(name string, entries []Entry, s Signer, o TrustListOptions) ([]byte, error) {
	if err := checkSASTs(entries, s); err != nil {
		return nil, err
	}
	sv := o.SignerVersion
	if sv == (Version{}) {
		sv = Version{1, 0}
	}
	if err := checkKeys(entries, s, sv); err != nil {
		return nil, err
	}
	var body []byte
	for i, e := range entries {
		var err error
		if body, err = appendRecord(body, e); err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
	}
	h := Header{Filename: name, Version: Version{1, 2}, SignerVersion: &sv, Hash: o.Hash}
	if !o.Time.IsZero() {
		h.Timestamp, h.HasTimestamp = o.Time, true
	}
	file, err := sign(&h, body, s)
	if err != nil {
		return nil, err
	}
	if len(file) > MaxTrustListSize {
		return nil, fmt.Errorf("trust list %s: %d records, %d bytes, over %d: %w", name, len(entries), len(file), MaxTrustListSize, ErrTooLarge)
	}
	return file, nil
}

// checkSASTs checks that entries hold at most two SAST records, one of them
// the signer's certificate.
func checkSASTs(entries []Entry, s Signer) error {
	n, listed := 0, false
	for _, e := range entries {
		if e.Role != RoleSAST {
			continue
		}
		n++
		if e.Cert != nil && s.Cert != nil && bytes.Equal(e.Cert.Raw, s.Cert.Raw) {
			listed = true
		}
	}
	if n > maxSAST {
		return fmt.Errorf("%d SAST records: %w", n, ErrTooManySAST)
	}
	if !listed {
		return fmt.Errorf("signer %v: %w", subjectOf(s), ErrSignerNotListed)
	}
	return nil
}

// subjectOf names the signer's certificate for an error.
func subjectOf(s Signer) string {
	if s.Cert == nil {
		return "(no certificate)"
	}
	return s.Cert.Subject.String()
}

// ParseTrustList decodes a trust list into its header and records, at
// least one (§11.2: the signing SAST is itself listed). It does not verify
// the signature: Verify or VerifyTrustList does.
func ParseTrustList(file []byte) (Header, []Record, error) {
	h, body, err := ParseHeader(file)
	if err != nil {
		return h, nil, err
	}
	if len(body) == 0 {
		return h, nil, fmt.Errorf("trust list %s without records: %w", h.Filename, ErrMalformed)
	}
	recs, err := parseRecords(body)
	if err != nil {
		return h, nil, fmt.Errorf("%w (the body starts at %d)", err, h.Length)
	}
	return h, recs, nil
}

// parseRecords decodes the records of a trust-list body.
func parseRecords(body []byte) ([]Record, error) {
	var recs []Record
	for off := 0; off < len(body); {
		r, end, err := parseRecord(body, off)
		if err != nil {
			return nil, fmt.Errorf("record %d at body offset %d: %w", len(recs), off, err)
		}
		recs = append(recs, r)
		off = end
	}
	return recs, nil
}

// maxTrustRSABits is the largest RSA key a trust list may be signed with
// (spec §11.4: phones take RSA ≤ 2048 bits for ITL/SAST use).
const maxTrustRSABits = 2048

// checkKeys applies §11.4's key rules to a trust list of signer version sv:
// its signer's RSA key at most 2048 bits, and an EC certificate only for
// the TFTP (or application server) role of HTTPS 6971, from version 1.1.
func checkKeys(entries []Entry, s Signer, sv Version) error {
	if pub, ok := s.Key.Public().(*rsa.PublicKey); ok && pub.N.BitLen() > maxTrustRSABits {
		return fmt.Errorf("trust list signed with an RSA key of %d bits (phones take at most %d): %w", pub.N.BitLen(), maxTrustRSABits, ErrKey)
	}
	for i, e := range entries {
		if e.Cert == nil {
			continue
		}
		if _, ok := e.Cert.PublicKey.(*ecdsa.PublicKey); !ok {
			continue
		}
		if e.Role != RoleTFTP && e.Role != RoleAppServer || sv.Major < 1 || sv.Major == 1 && sv.Minor < 1 {
			return fmt.Errorf("record %d: an EC certificate is for the TFTP or application-server role from signer version 1.1 (this is role %d, version %d.%d): %w",
				i, e.Role, sv.Major, sv.Minor, ErrKey)
		}
	}
	return nil
}

// TrustListSize returns the size in bytes of the trust list BuildTrustList
// makes of entries under name, signed by the key of signer (an RSA
// certificate, listed as a SAST) with o. It needs no private key, so a
// tool can refuse a change that would take a list over MaxTrustListSize
// before it is made.
func TrustListSize(name string, entries []Entry, signer *x509.Certificate, o TrustListOptions) (int, error) {
	pub, ok := signer.PublicKey.(*rsa.PublicKey)
	if !ok {
		return 0, fmt.Errorf("signer %s: not an RSA key: %w", signer.Subject, ErrKey)
	}
	sigLen := pub.Size()
	body := 0
	for i, e := range entries {
		b, err := appendRecord(nil, e)
		if err != nil {
			return 0, fmt.Errorf("record %d: %w", i, err)
		}
		body += len(b)
	}
	sv := o.SignerVersion
	if sv == (Version{}) {
		sv = Version{1, 0}
	}
	h := Header{Filename: name, Version: Version{1, 2}, SignerVersion: &sv, Hash: o.Hash,
		SignerName: signer.Subject.String(), IssuerName: signer.Issuer.String(), Serial: serialBytes(signer)}
	if !o.Time.IsZero() {
		h.Timestamp, h.HasTimestamp = o.Time, true
	}
	parts, err := encodeHeader(&h, sigLen)
	if err != nil {
		return 0, err
	}
	return len(parts.before) + 3 + sigLen + len(parts.after) + body, nil
}
