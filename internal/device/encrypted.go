package device

import (
	"context"

	"cmtftp/internal/trust"
)

// encryptedConfig fetches the encrypted configuration the stub of a
// secure device points to (spec §11.3: SEP<MAC>.cnf.xml.enc.sgn), checks
// it as every signed file, decrypts it with Config.PhoneKey and reads it.
// Without a phone key the boot ends: a phone never falls back to a
// plaintext configuration.
func (r *run) encryptedConfig(ctx context.Context) (xmlSummary, bool) {
	name := "SEP" + r.mac + ".cnf.xml.enc.sgn"
	b, a, step := r.get(ctx, name)
	if a != gotFile {
		return xmlSummary{}, r.failFetch(a, name, step)
	}
	_, _, sig, err := r.sec.check(name, b, !r.p.cfg.SkipVerify)
	if err != nil {
		r.broken(step, err)
		return xmlSummary{}, r.fail(CauseSignature, "%s: %v", name, err)
	}
	r.rep.Steps[step].Signed = sig
	if r.p.cfg.PhoneKey == nil {
		r.note(step, "encrypted configuration: no phone key")
		return xmlSummary{}, r.fail(CauseEncrypted, "%s: encrypted configuration: no phone key", name)
	}
	_, plain, err := trust.DecryptConfig(b, r.p.cfg.PhoneKey)
	if err != nil {
		r.broken(step, err)
		return xmlSummary{}, r.fail(CauseEncrypted, "%s: cannot decrypt with the phone key: %v", name, err)
	}
	r.rep.Config = name
	s, err := parseXMLConfig(plain, r.p.model.TypeID)
	if err != nil {
		r.broken(step, err)
		return s, r.fail(CauseBrokenConfig, "%s: %v", name, err)
	}
	r.note(step, "decrypted: %s", s.note())
	return s, true
}
