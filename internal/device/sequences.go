package device

import (
	"context"
	"fmt"
	"strings"
)

// xmlPhone plays a phone with an XML load (spec §1.2); a secure one
// verifies its trust lists and asks for its files signed.
func (r *run) xmlPhone(ctx context.Context) bool {
	trustLists := r.plainTrustLists
	if r.p.cfg.Secure {
		trustLists = r.secureTrustLists
	}
	if !trustLists(ctx) {
		return false
	}
	_, b, step, ok := r.firstOf(ctx, r.signed("SEP"+r.mac+".cnf.xml"), r.signed("XMLDefault.cnf.xml"))
	if !ok {
		return false
	}
	s, err := parseXMLConfig(b, r.p.model.TypeID)
	if err != nil {
		r.broken(step, err)
		return r.fail(CauseBrokenConfig, "%s: %v", r.rep.Config, err)
	}
	r.note(step, "%s", s.note())
	if r.p.cfg.Secure && s.encryptedStub() && !r.rep.FromDefault {
		if s, ok = r.encryptedConfig(ctx); !ok {
			return false
		}
	}
	r.rep.DialTemplate, r.rep.SoftkeyFile = s.dialTemplate, s.softKeyFile
	r.rep.UserLocale, r.rep.NetworkLocale = s.userLocale, s.networkLocale
	if !r.callControl(s.callManagers) || !r.load(ctx, s.load, ".loads") {
		return false
	}
	return r.xmlExtras(ctx, s)
}

// xmlExtras fetches what an XML configuration names after the load: the
// locales, the dial template, the softkeys, and the ring list.
func (r *run) xmlExtras(ctx context.Context, s xmlSummary) bool {
	type file struct{ name, why string }
	var files []file
	if s.userLocale != "" && r.p.localeFile != "" {
		files = append(files, file{s.userLocale + "/" + r.p.localeFile, "the phone keeps its built-in user locale"})
	}
	if s.networkLocale != "" {
		files = append(files, file{s.networkLocale + "/g3-tones.xml", "the phone keeps its built-in tones"})
	}
	for _, f := range files {
		if !r.optional(ctx, r.signed(f.name), f.why, readLocaleFile(f.name)) {
			return false
		}
	}
	if s.dialTemplate != "" && !r.optional(ctx, r.signed(s.dialTemplate), "the phone dials without rules", readDialTemplate) {
		return false
	}
	if s.softKeyFile != "" && !r.optional(ctx, r.signed(s.softKeyFile), "the phone shows its default softkeys", readSoftkeys) {
		return false
	}
	return r.optional(ctx, r.signed("RingList.xml"), "the phone offers its built-in rings only", readRingList)
}

// sip79 plays a 7940/7960 on SIP (spec §5).
func (r *run) sip79(ctx context.Context) bool {
	keys := map[string]string{}
	own := "SIP" + r.mac + ".cnf"
	found := 0
	for _, name := range []string{"SIPDefault.cnf", own} {
		b, a, step := r.get(ctx, name)
		if a == noFile {
			continue
		} else if a != gotFile {
			return r.failFetch(a, name, step)
		}
		kv, err := parseKV(b)
		if err != nil {
			r.broken(step, err)
			return r.fail(CauseBrokenConfig, "%s: %v", name, err)
		}
		r.note(step, "%s", plural(len(kv), "setting"))
		for k, v := range kv {
			keys[k] = v
		}
		r.rep.Config, r.rep.FromDefault = name, name != own
		found++
	}
	if found == 0 {
		return r.fail(CauseNoConfig, "neither SIPDefault.cnf nor %s found", own)
	}
	cms, err := sipProxies(keys)
	if err != nil {
		return r.fail(CauseBrokenConfig, "%s: %v", r.rep.Config, err)
	}
	if !r.callControl(cms) || !r.load(ctx, keys["image_version"], ".loads") {
		return false
	}
	if !r.optional(ctx, "RINGLIST.DAT", "the phone offers its built-in rings only", readRingDat) {
		return false
	}
	if t := keys["dial_template"]; t != "" {
		r.rep.DialTemplate = t + ".xml"
		return r.optional(ctx, t+".xml", "the phone dials without rules", readDialTemplate)
	}
	return true
}

// profilePhone plays a 7905/7912 on SIP (spec §6).
func (r *run) profilePhone(ctx context.Context) bool {
	_, b, step, ok := r.firstOf(ctx, r.p.profile+strings.ToLower(r.mac), r.p.profile+"default.cfg")
	if !ok {
		return false
	}
	kv, err := parseProfile(b)
	if err != nil {
		r.broken(step, err)
		return r.fail(CauseBrokenConfig, "%s: %v", r.rep.Config, err)
	}
	r.note(step, "%s", plural(len(kv), "parameter"))
	cms, err := profileProxy(kv)
	if err != nil {
		r.broken(step, err)
		return r.fail(CauseBrokenConfig, "%s: %v", r.rep.Config, err)
	}
	return r.callControl(cms) && r.load(ctx, kv["ImageVersion"], ".sbin")
}

// legacyPhone plays a phone whose load reads no XML (spec §4).
func (r *run) legacyPhone(ctx context.Context) bool {
	_, b, step, ok := r.firstOf(ctx, "SEP"+r.mac+".cnf", "SEPDefault.cnf")
	if !ok {
		return false
	}
	kv, err := parseKV(b)
	if err == nil {
		var cms []CallManager
		if cms, err = legacyCallManagers(kv); err == nil {
			r.note(step, "%s", plural(len(kv), "setting"))
			r.rep.LoadID, r.rep.UserLocale, r.rep.NetworkLocale = kv["loadInformation"], kv["userLocale"], kv["networkLocale"]
			return r.callControl(cms)
		}
	}
	r.broken(step, err)
	return r.fail(CauseBrokenConfig, "%s: %v", r.rep.Config, err)
}

// gateway plays a gateway asking for its own file, as Cisco IOS does for
// ccm-manager config: <hostname>.cnf.xml, with no default to fall back to.
func (r *run) gateway(ctx context.Context) bool {
	name := r.p.cfg.Hostname + ".cnf.xml"
	b, a, step := r.get(ctx, name)
	if a != gotFile {
		return r.failFetch(a, name, step)
	}
	r.rep.Config = name
	s, err := parseXMLConfig(b, 0)
	if err != nil {
		r.broken(step, err)
		return r.fail(CauseBrokenConfig, "%s: %v", name, err)
	}
	r.note(step, "%s", s.note())
	r.rep.CallManagers = s.callManagers
	return true
}

// load fetches the load id when it is not the one the device runs: the
// .loads file and every archive it names, or (suffix ".sbin") the single
// image of a 7905/7912. "" and the running load need nothing; with no
// running load given, the device is taken to run the configured one.
func (r *run) load(ctx context.Context, id, suffix string) bool {
	r.rep.LoadID = id
	if id == "" || r.p.cfg.Load == "" || id == r.p.cfg.Load {
		return true
	}
	archives := []string{id + suffix}
	if suffix == ".loads" {
		b, a, step := r.get(ctx, id+suffix)
		if a != gotFile {
			return r.loadFailed(id, a, id+suffix, step)
		}
		l, err := parseLoads(b)
		if err != nil {
			r.broken(step, err)
			return r.fail(CauseLoadFailed, "load %s: %s: %v", id, id+suffix, err)
		}
		r.note(step, "%s", l.note())
		archives = l.archives
	}
	for _, name := range archives {
		if a, step := r.fetch(ctx, name, discard{}); a != gotFile {
			return r.loadFailed(id, a, name, step)
		}
	}
	r.rep.Upgraded, r.rep.Archives = true, archives
	return true
}

// loadFailed ends the boot because a file of load id could not be
// fetched; a context that ended stays the cause.
func (r *run) loadFailed(id string, a answer, name string, step int) bool {
	r.failFetch(a, name, step)
	if a == canceled {
		return false
	}
	return r.fail(CauseLoadFailed, "load %s: %s", id, r.rep.Detail)
}

// note is what the device shows of an XML configuration.
func (s xmlSummary) note() string {
	load := s.load
	if load == "" {
		load = "(none)"
	}
	return fmt.Sprintf("<%s>: %s, load %s", s.root, plural(len(s.callManagers), "call manager"), load)
}
