package device

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"cmtftp/internal/domain"
)

// Boot plays the boot of the device cfg describes, over real sockets, and
// returns its timeline and outcome. The error is for a Config it cannot
// play (wrapping ErrConfig); a boot that fails is a Report whose Outcome
// is NotConfigured, with its Cause. ctx bounds the whole boot.
//
// What a device asks for, by family (spec §1.2; the catalogue's file
// families of the model and protocol):
//   - XML loads (cnf.xml): the trust lists (not found is normal on a
//     non-secure cluster), SEP<MAC>.cnf.xml or else XMLDefault.cnf.xml (its
//     loadInformation<TypeID> for the model), the load if it differs from
//     Config.Load (<ID>.loads and every archive it names), the user-locale
//     file and the network locale's g3-tones.xml, the dialTemplate and
//     softKeyFile the configuration names, RingList.xml;
//   - 7940/7960 SIP (sip.cnf): SIPDefault.cnf, SIP<MAC>.cnf (the second
//     overrides the first), the image_version load, RINGLIST.DAT, the
//     <dial_template>.xml;
//   - 7905/7912 SIP (ld, gk): ld<mac> or gk<mac>, else lddefault.cfg or
//     gkdefault.cfg, then the ImageVersion load, a single <ID>.sbin image;
//   - loads without XML (cnf): SEP<MAC>.cnf, else SEPDefault.cnf; such a
//     device learns its load over SCCP (chapter), so none is fetched;
//   - a gateway, by its model's family (docs/gateways.md): an SCCP VG
//     SKIGW<tail>.cnf.xml, then AN<tail><id>.cnf.xml for every port it
//     lists; an MGCP gateway <Hostname>.cnf.xml (its IOS configuration in
//     Report.IOS); an ATA 190/191 ATA<MAC>.cnf.xml, then the second port's
//     ATA<shifted MAC>.cnf.xml (not found: one port configured); an ATA
//     186/188 ata<mac>; a WS-X6624 SAA<MAC>.cnf, else SAADefault.cnf (a
//     WS-X6608 SDA…); an Analog Access or Voice Mail Port <Hostname>.cnf;
//     without a model, <Hostname>.cnf.xml (its call-control list only).
//
// A device ends configured when it has a configuration that parses, names
// call control (phones), and, when it names another load, that load was
// fetched whole. Trust lists, locales, dial templates, softkeys and ring
// lists that are missing or broken are warnings: the phone keeps what it
// has built in.
//
// A secure phone (Config.Secure, XML loads only) verifies its trust lists
// instead of ignoring them — a list it cannot accept ends the boot — and
// asks for X.sgn in place of each configuration, locale, dial-template,
// softkey and ring-list file X; a signed file it rejects (unsigned, badly
// signed, signed by a certificate not in its list or under another name)
// ends the boot, even one it could do without. A configuration that is the
// stub of an encrypted one sends it on to SEP<MAC>.cnf.xml.enc.sgn.
// Report.Steps say who signed each file, Report.TrustList which list the
// phone ended with.
func Boot(ctx context.Context, cfg Config) (*Report, error) {
	p, err := newPlan(cfg)
	if err != nil {
		return nil, err
	}
	mac := ""
	if p.family != familyGateway || p.gatewayNeedsMAC() {
		if mac, err = domain.ParseMAC(p.cfg.MAC); err != nil {
			return nil, badConfig("%v", err)
		}
	}
	e := newEnv(p.cfg)
	defer e.close()
	return p.boot(ctx, e, mac, netip.Addr{}), nil
}

// run is the state of one boot.
type run struct {
	p     *plan
	env   *env
	mac   string
	rep   *Report
	start time.Time
	cur   int  // the server in use
	http  bool // HTTP is still tried first
	buf   *bytes.Buffer
	local netip.Addr  // this device's own source address (a storm's SourceNet); else the env's
	sec   secureState // a secure device's trust list in force
}

// boot plays one device of the plan; its TFTP requests leave from local
// when it is valid.
func (p *plan) boot(ctx context.Context, e *env, mac string, local netip.Addr) *Report {
	r := &run{p: p, env: e, mac: mac, start: time.Now(), http: p.cfg.Via == ViaHTTP, buf: e.buffer(), local: local}
	defer e.release(r.buf)
	r.rep = &Report{MAC: mac, Kind: p.cfg.Kind, Via: p.cfg.Via, Discovery: p.cfg.Discovery, Outcome: NotConfigured}
	for _, s := range p.cfg.Servers {
		r.rep.Servers = append(r.rep.Servers, s.String())
	}
	if p.family == familyGateway {
		r.rep.Device, r.rep.Model, r.rep.Protocol, r.rep.Family = p.gatewayName(mac), p.model.Name, p.cfg.Protocol, p.gwFamily
	} else {
		r.rep.Device, r.rep.Model, r.rep.Protocol = "SEP"+mac, p.model.Name, p.cfg.Protocol
	}
	if r.sequence(ctx) {
		r.rep.Outcome = Configured
	}
	r.rep.Took = time.Since(r.start)
	return r.rep
}

// sequence plays the family's requests; it reports whether the device
// ended configured.
func (r *run) sequence(ctx context.Context) bool {
	switch r.p.family {
	case familyXML:
		return r.xmlPhone(ctx)
	case familySIP79:
		return r.sip79(ctx)
	case familyProfile:
		return r.profilePhone(ctx)
	case familyLegacy:
		return r.legacyPhone(ctx)
	}
	return r.gatewaySequence(ctx)
}

// fail ends the boot with cause.
func (r *run) fail(c Cause, format string, a ...any) bool {
	r.rep.Cause, r.rep.Detail = c, fmt.Sprintf(format, a...)
	return false
}

func (r *run) warn(format string, a ...any) {
	r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf(format, a...))
}

// failFetch ends the boot because name could not be fetched.
func (r *run) failFetch(a answer, name string, step int) bool {
	last := r.rep.Steps[step]
	switch a {
	case noFile:
		return r.fail(CauseNoConfig, "%s not found", name)
	case noAnswer:
		return r.fail(CauseNoAnswer, "%s: no answer from %s", name, strings.Join(r.rep.Servers, ", "))
	case busyTooLong:
		return r.fail(CauseBusy, "%s: %s still busy after %d retries", name, last.Server, r.p.cfg.MaxBusyRetries)
	case canceled:
		return r.fail(CauseCanceled, "%s: %s", name, last.Note)
	}
	return r.fail(CauseServerError, "%s from %s: %s", name, last.Server, last.Note)
}

// get fetches a file into the run's buffer.
func (r *run) get(ctx context.Context, name string) ([]byte, answer, int) {
	a, i := r.fetch(ctx, name, r.buf)
	return r.buf.Bytes(), a, i
}

// firstOf fetches the first of names that exists, as a device asks for its
// own file and then a default: not found moves on; any other failure ends
// the boot. It returns the index of the name found.
func (r *run) firstOf(ctx context.Context, names ...string) (int, []byte, int, bool) {
	for i, name := range names {
		b, a, step := r.get(ctx, name)
		switch a {
		case gotFile:
			r.rep.Config, r.rep.FromDefault = name, i > 0
			b, ok := r.unwrap(step, b)
			return i, b, step, ok
		case noFile:
			continue
		}
		return i, nil, step, r.failFetch(a, name, step)
	}
	if len(names) == 1 {
		return 0, nil, 0, r.fail(CauseNoConfig, "%s not found", names[0])
	}
	return 0, nil, 0, r.fail(CauseNoConfig, "none of %s found", strings.Join(names, ", "))
}

// broken marks a step's file as unreadable.
func (r *run) broken(step int, err error) {
	r.rep.Steps[step].Outcome = Broken
	r.rep.Steps[step].Note = err.Error()
}

// note records what the device made of a step's file.
func (r *run) note(step int, format string, a ...any) {
	r.rep.Steps[step].Note = fmt.Sprintf(format, a...)
}

// optional fetches a file the device can do without and reads it with
// read (which returns a note); missing, unanswered or broken is a warning
// with why, never the end of the boot — but a signed file a secure device
// rejects (unwrap) is. It reports whether the boot goes on.
func (r *run) optional(ctx context.Context, name, why string, read func([]byte) (string, error)) bool {
	b, a, step := r.get(ctx, name)
	switch a {
	case gotFile:
		b, ok := r.unwrap(step, b)
		if !ok {
			return false
		}
		if note, err := read(b); err != nil {
			r.broken(step, err)
			r.warn("%s is broken (%v): %s", name, err, why)
		} else {
			r.note(step, "%s", note)
		}
	case noFile:
		r.warn("%s not found: %s", name, why)
	case canceled:
		return r.fail(CauseCanceled, "%s: %s", name, r.rep.Steps[step].Note)
	default:
		r.warn("%s not fetched (%s): %s", name, r.rep.Steps[step].Outcome, why)
	}
	return true
}

// callControl checks that the configuration named somewhere to register.
func (r *run) callControl(cms []CallManager) bool {
	r.rep.CallManagers = cms
	if len(cms) == 0 {
		return r.fail(CauseNoCallControl, "%s names no call control", r.rep.Config)
	}
	return true
}
