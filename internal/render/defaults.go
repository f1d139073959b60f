package render

import "cmtftp/internal/domain"

// DefaultConfig is what the default files are built from: the
// auto-registration pool's group (or the group marked tftpDefault), its
// servers, the model catalogue and the parameters.
type DefaultConfig struct {
	Group   domain.Group
	Servers []domain.Server
	Models  []domain.Model
	Params  domain.ParamValues
}

// XMLDefault renders XMLDefault.cnf.xml (spec §3): the call-control group
// for phones not in the database, and one loadInformation<typeID> per
// model with a load for an XML-reading protocol.
func XMLDefault(d *DefaultConfig) []byte {
	w := &xmlw{b: make([]byte, 0, 4096)}
	w.b = append(w.b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"...)
	w.open("Default")
	callManagerGroup(w, &d.Group, d.Servers)
	for _, m := range d.Models {
		load := m.SCCPLoad
		if load == "" {
			load = m.SIPLoad
		}
		if !m.XMLConfig || load == "" {
			continue
		}
		w.el("loadInformation"+itoa(m.TypeID), load, "model", firstOf(m.Description, m.Name))
	}
	w.el("authenticationURL", d.Params["authenticationURL"])
	w.el("directoryURL", d.Params["directoryURL"])
	w.el("idleURL", d.Params["idleURL"])
	w.el("informationURL", d.Params["informationURL"])
	w.el("messagesURL", d.Params["messagesURL"])
	w.el("proxyServerURL", d.Params["proxyServerURL"])
	w.el("servicesURL", d.Params["servicesURL"])
	if d.Params.Bool(domain.ParamAutoRegistration) {
		w.el("autoRegistration", "enabled")
	} else {
		w.el("autoRegistration", "disabled")
	}
	w.el("versionStamp", stampHolder)
	w.close("Default")
	return stamp(w.b)
}

// DialPlan79x1 renders DR<plan>.xml for 7970/71, 7961, 7941, 7911 and
// later SIP phones (spec §7.2, the usecallmanager spelling: lower-case
// attributes, upper-case TEMPLATE).
func DialPlan79x1(p *domain.DialPlan) []byte {
	w := &xmlw{b: make([]byte, 0, 1024)}
	w.open("dialTemplate")
	w.el("versionStamp", stampHolder)
	for _, r := range p.Rules {
		attrs := []string{"match", r.Pattern, "timeout", itoa(r.Timeout)}
		if r.User != "" {
			attrs = append(attrs, "user", r.User)
		}
		if r.Rewrite != "" {
			attrs = append(attrs, "rewrite", r.Rewrite)
		}
		if r.Tone != "" {
			attrs = append(attrs, "tone", r.Tone)
		}
		if r.Line != 0 {
			attrs = append(attrs, "line", itoa(r.Line))
		}
		w.el("TEMPLATE", "", attrs...)
	}
	w.close("dialTemplate")
	return stamp(w.b)
}

// DialPlan7940 renders <plan>.xml for 7940/7960 SIP (spec §7.1,
// DIALTEMPLATE with the Cisco guide's attribute case). The format has no
// version element; the content hash goes in a comment.
func DialPlan7940(p *domain.DialPlan) []byte {
	w := &xmlw{b: make([]byte, 0, 1024)}
	w.b = append(w.b, "<!-- version "+stampHolder+" -->\n"...)
	w.open("DIALTEMPLATE")
	for _, r := range p.Rules {
		attrs := []string{"MATCH", r.Pattern, "Timeout", itoa(r.Timeout)}
		if r.User != "" {
			user := "Phone"
			if r.User == "ip" {
				user = "IP"
			}
			attrs = append(attrs, "User", user)
		}
		if r.Rewrite != "" {
			attrs = append(attrs, "Rewrite", r.Rewrite)
		}
		if r.Route != "" {
			attrs = append(attrs, "Route", r.Route)
		}
		if r.Tone != "" {
			attrs = append(attrs, "Tone", r.Tone)
		}
		w.el("TEMPLATE", "", attrs...)
	}
	w.close("DIALTEMPLATE")
	return stamp(w.b)
}

// Softkeys renders SK<template>.xml (spec §8): the definitions of the keys
// the template uses, then the keys per call state in the order of the
// call states.
func Softkeys(t *domain.SoftkeyTemplate) []byte {
	w := &xmlw{b: make([]byte, 0, 2048)}
	w.open("softKeyCfg")
	w.el("versionStamp", stampHolder)
	w.open("typeSoftKey")
	seen := map[string]bool{}
	byState := map[string]domain.SoftkeySet{}
	for _, s := range t.Sets {
		byState[s.State] = s
	}
	for _, st := range domain.SoftkeyStates {
		for _, k := range byState[st].Keys {
			if seen[k] {
				continue
			}
			seen[k] = true
			def := domain.Softkeys[k]
			w.open("softKeyDef", "keyID", k)
			w.int("tag", def[0])
			w.int("eventID", def[1])
			w.int("helpID", def[2])
			w.close("softKeyDef")
		}
	}
	w.close("typeSoftKey")
	w.open("softKeySets")
	for _, st := range domain.SoftkeyStates {
		s, ok := byState[st]
		if !ok {
			continue
		}
		w.open("softKeySet", "id", st)
		for _, k := range s.Keys {
			w.el("softKey", "", "keyID", k)
		}
		w.close("softKeySet")
	}
	w.close("softKeySets")
	w.close("softKeyCfg")
	return stamp(w.b)
}
