package device

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"cmtftp/internal/trust"
)

// errUnsigned reports a file a secure device asked for signed that has no
// signed-file header.
var errUnsigned = errors.New("not a signed file")

// secureState is what a secure device's boot holds once it has a trust
// list: the list's records and the certificates it checks signed files
// against.
type secureState struct {
	records []trust.Record
	signers []fileSigner
}

// fileSigner is a TFTP or CCM+TFTP record of the trust list in force,
// as the report names it.
type fileSigner struct {
	rec trust.Record
	sig Signature
}

// newSecureState takes records as the trust list in force.
func newSecureState(records []trust.Record, verified bool) secureState {
	s := secureState{records: records}
	for _, rec := range records {
		if rec.Role != trust.RoleTFTP && rec.Role != trust.RoleCCMTFTP {
			continue
		}
		s.signers = append(s.signers, fileSigner{rec: rec, sig: signatureOf(rec, verified)})
	}
	return s
}

// signer returns the file signer the header names (subject, issuer and
// serial), or nil.
func (s *secureState) signer(h *trust.Header) *fileSigner {
	for i := range s.signers {
		r := &s.signers[i].rec
		if r.Subject == h.SignerName && r.Issuer == h.IssuerName && string(r.Serial) == string(h.Serial) {
			return &s.signers[i]
		}
	}
	return nil
}

// check is a secure phone's check of the signed file it asked for as name:
// a signed-file header, signed under name, by a TFTP or CCM+TFTP
// certificate of the trust list, whose signature verifies
// (trust.VerifySigned; not checked when verify is false). It returns the
// header, the payload and the signer.
func (s *secureState) check(name string, file []byte, verify bool) (trust.Header, []byte, *Signature, error) {
	h, payload, err := trust.ParseHeader(file)
	if err != nil {
		return h, nil, nil, fmt.Errorf("%w (asked for signed, came without a signed header: %w)", errUnsigned, err)
	}
	if !signedAs(h.Filename, name) {
		return h, nil, nil, fmt.Errorf("signed as %q, not as the file asked for", h.Filename)
	}
	k := s.signer(&h)
	if k == nil {
		return h, nil, nil, fmt.Errorf("signer %s is not in the trust list (no TFTP or CCM+TFTP certificate of it)", h.SignerName)
	}
	if verify {
		if _, _, err := trust.VerifySigned(file, s.records); err != nil {
			return h, nil, nil, err
		}
	}
	return h, payload, &k.sig, nil
}

// signedAs reports whether a header's file name names the file asked
// for: the name asked (X.sgn, as spec §11.1's example and cmtftp write
// it), or its base name (a locale file signed without its directory).
// A header naming X without .sgn, or another file, is refused.
func signedAs(header, asked string) bool {
	return header == asked || header == path.Base(asked)
}

// signed is the name a device asks for a configuration-type file under:
// X.sgn when it is secure.
func (r *run) signed(name string) string {
	if r.p.cfg.Secure {
		return name + ".sgn"
	}
	return name
}

// unwrap is what a device reads of the file of a step: for a secure
// device and a signed name, the payload of a file that passes check (the
// boot ends when it does not); else the file itself.
func (r *run) unwrap(step int, b []byte) ([]byte, bool) {
	name := r.rep.Steps[step].Name
	if !r.p.cfg.Secure || !strings.HasSuffix(name, ".sgn") {
		return b, true
	}
	_, payload, sig, err := r.sec.check(name, b, !r.p.cfg.SkipVerify)
	if err != nil {
		r.broken(step, err)
		return nil, r.fail(CauseSignature, "%s: %v", name, err)
	}
	r.rep.Steps[step].Signed = sig
	return payload, true
}

// signatureOf describes a trust-list record as a signer, with the
// fingerprints of its certificate (none for a record without one).
func signatureOf(rec trust.Record, verified bool) Signature {
	sig := Signature{Signer: rec.Subject, Role: roleName(rec.Role), Verified: verified}
	if len(rec.Certificate) > 0 {
		sig.SHA1, sig.SHA256 = trust.Fingerprint(rec.Certificate)
	}
	return sig
}

// roleNames are the §11.2 roles as phones list them.
var roleNames = map[trust.Role]string{
	trust.RoleSAST: "SAST", trust.RoleCCM: "CCM", trust.RoleCCMTFTP: "CCM+TFTP", trust.RoleTFTP: "TFTP",
	trust.RoleCAPF: "CAPF", trust.RoleAppServer: "APP-SERVER", trust.RoleTVS: "TVS",
}

func roleName(r trust.Role) string {
	if n, ok := roleNames[r]; ok {
		return n
	}
	return fmt.Sprintf("role %d", r)
}
