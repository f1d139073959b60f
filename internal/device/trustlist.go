package device

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"cmtftp/internal/trust"
)

// How a secure device came to hold its trust list (TrustListReport.How).
const (
	howLeapOfFaith = "leap of faith"
	howRollover    = "signed by a SAST of the installed list"
	howKept        = "installed list kept"
)

// plainTrustLists asks for the trust lists as a phone of a non-secure
// cluster does: not found is normal, and what comes is not read.
func (r *run) plainTrustLists(ctx context.Context) bool {
	for _, name := range r.p.trustLists(r.mac) {
		switch _, a, step := r.get(ctx, name); a {
		case gotFile:
			r.note(step, "trust list present (not verified)")
		case noFile:
			r.note(step, "not found (non-secure cluster)")
		case canceled:
			return r.failFetch(a, name, step)
		default:
			r.warn("%s not fetched (%s): the phone goes on without a trust list", name, r.rep.Steps[step].Outcome)
		}
	}
	return true
}

// secureTrustLists asks for a secure device's trust lists and accepts
// each that verifies (§11.2): with no list installed, one signed by a SAST
// it lists itself; with one installed, one signed by a SAST of that. The
// records of the lists accepted (else of the list installed) are then the
// trust list in force. A list that fails is a warning when a list is
// installed (the phone keeps it, "Trust List update failed"), and ends the
// boot when none is, as does a device left with no list. It reports
// whether the boot goes on.
func (r *run) secureTrustLists(ctx context.Context) bool {
	r.rep.Secure = true
	var inForce []trust.Record
	var asked []string
	for _, group := range r.p.trustListGroups(r.mac) {
		asked = append(asked, group...)
		recs, goOn := r.trustList(ctx, group)
		if !goOn {
			return false
		}
		inForce = append(inForce, recs...)
	}
	if inForce == nil {
		if r.p.installed == nil {
			return r.fail(CauseTrustList, "no trust list: the server has none of %s and none is installed", strings.Join(asked, ", "))
		}
		inForce = r.p.installed
		r.rep.TrustList = &TrustListReport{How: howKept}
	}
	r.sec = newSecureState(inForce, !r.p.cfg.SkipVerify)
	r.rep.TrustList.Records = len(inForce)
	r.rep.TrustList.FileSigners = []Signature{}
	for _, k := range r.sec.signers {
		r.rep.TrustList.FileSigners = append(r.rep.TrustList.FileSigners, k.sig)
	}
	if len(r.sec.signers) == 0 {
		return r.fail(CauseTrustList, "the trust list holds no TFTP or CCM+TFTP certificate: no signed file can be accepted")
	}
	return true
}

// trustList asks for the names of one list in turn until one is found,
// and accepts it. It returns the records accepted (nil when none was
// found) and whether the boot goes on.
func (r *run) trustList(ctx context.Context, names []string) ([]trust.Record, bool) {
	for _, name := range names {
		b, a, step := r.get(ctx, name)
		switch a {
		case gotFile:
			return r.acceptTrustList(step, bytes.Clone(b))
		case noFile:
			r.note(step, "not found")
			continue
		case canceled:
			return nil, r.failFetch(a, name, step)
		default:
			r.warn("%s not fetched (%s): the phone keeps the list it holds", name, r.rep.Steps[step].Outcome)
		}
		return nil, true
	}
	return nil, true
}

// acceptTrustList verifies the trust list of a step against the installed
// one (only parses it with SkipVerify) and, when it passes, makes it the
// accepted list.
func (r *run) acceptTrustList(step int, file []byte) ([]trust.Record, bool) {
	name := r.rep.Steps[step].Name
	var (
		h    trust.Header
		recs []trust.Record
		err  error
	)
	if r.p.cfg.SkipVerify {
		h, recs, err = trust.ParseTrustList(file)
	} else {
		h, recs, err = trust.VerifyTrustList(file, r.p.installed)
	}
	if err != nil {
		r.broken(step, err)
		why := err.Error()
		if errors.Is(err, trust.ErrUntrusted) {
			why = "signer " + h.SignerName + " is not in the installed list"
		}
		if r.p.installed != nil {
			// As a phone does: it says so and keeps the list it holds; a
			// file signed by a key only the new list has fails later.
			r.warn("Trust List update failed: %s: %s; the phone keeps the installed list", name, why)
			return nil, true
		}
		return nil, r.fail(CauseTrustList, "Trust List update failed: %s: %s", name, why)
	}
	how := howLeapOfFaith
	if r.p.installed != nil {
		how = howRollover
	}
	sig := &Signature{Signer: h.SignerName, Role: roleName(trust.RoleSAST), Verified: !r.p.cfg.SkipVerify}
	for _, rec := range recs {
		if rec.Role == trust.RoleSAST && rec.Subject == h.SignerName && string(rec.Serial) == string(h.Serial) {
			s := signatureOf(rec, !r.p.cfg.SkipVerify)
			sig = &s
		}
	}
	r.rep.Steps[step].Signed = sig
	r.note(step, "Trust List updated (%s): %s", how, plural(len(recs), "record"))
	r.rep.TrustList = &TrustListReport{Name: name, How: how, Signer: sig}
	r.rep.AcceptedTrustList = file
	return recs, true
}
