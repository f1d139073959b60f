package render

import (
	"cmtftp/internal/domain"
	"strings"
)

// Kind is a kind of built file.
type Kind int

// The kinds of built files (Table 11-3 and the default files).
const (
	DeviceXMLFile  Kind = iota + 1 // SEP<MAC>.cnf.xml
	LegacyCnfFile                  // SEP<MAC>.cnf
	SIPCnfFile                     // SIP<MAC>.cnf
	LDFile                         // ld<mac>
	GKFile                         // gk<mac>
	XMLDefaultFile                 // XMLDefault.cnf.xml
	SEPDefaultFile                 // SEPDefault.cnf
	SIPDefaultFile                 // SIPDefault.cnf
	DR79x1File                     // DR<plan>.xml
	Dial7940File                   // <plan>.xml
	SoftkeyXMLFile                 // SK<template>.xml
	SKIGWFile                      // SKIGW<tail>.cnf.xml (SCCP gateway)
	PortFile                       // AN<tail><port id>.cnf.xml (a port of an SCCP gateway)
	ATAXMLFile                     // ATA<MAC>.cnf.xml (ATA 190/191, either port)
	ATATextFile                    // ata<mac> (ATA 186/188)
	GatewayCnfFile                 // <name>.cnf of a gateway (SAA<MAC>, SDA<MAC>, Analog Access, Voice Mail Port …)
	MGCPFile                       // <hostname>.cnf.xml (MGCP gateway)
	SAADefaultFile                 // SAADefault.cnf
	SDADefaultFile                 // SDADefault.cnf
)

// Need names the records a kind of file is rendered from: what the caller
// loads into Records before it calls Render.
type Need int

// The records a file is rendered from.
const (
	NeedDevice   Need = iota + 1 // Records.Device: the configuration of the device the target's Key names
	NeedDialPlan                 // Records.DialPlan: the dial plan the Key names
	NeedSoftkey                  // Records.Softkey: the softkey template the Key names
	NeedDefaults                 // Records.Defaults: the default group, models and parameters (no Key)
	NeedGateway                  // Records.Gateway: the gateway the Key names (an ATA 190's port-2 name names its ATA)
)

// kinds describes each kind of file: what it is called in messages, what
// it is rendered from, the family of device file the Cisco request counters
// count it in (SEPFoundCount … GKNotFoundCount; "" for none), and the class
// of the Cisco build counters (BuildDeviceCount, BuildUnitCount …).
var kinds = [...]struct {
	name   string
	needs  Need
	family string
	class  string
}{
	DeviceXMLFile:  {"device config", NeedDevice, "sep", "device"},
	LegacyCnfFile:  {"legacy .cnf", NeedDevice, "sep", "unit"},
	SIPCnfFile:     {"7940/7960 SIP config", NeedDevice, "sip", "device"},
	LDFile:         {"7905 profile", NeedDevice, "ld", "device"},
	GKFile:         {"7912 profile", NeedDevice, "gk", "device"},
	XMLDefaultFile: {"XMLDefault", NeedDefaults, "", "default"},
	SEPDefaultFile: {"SEPDefault", NeedDefaults, "", "default"},
	SIPDefaultFile: {"SIPDefault", NeedDefaults, "", "default"},
	DR79x1File:     {"dial plan (79x1)", NeedDialPlan, "", "dialrule"},
	Dial7940File:   {"dial plan (7940)", NeedDialPlan, "", "dialrule"},
	SoftkeyXMLFile: {"softkey template", NeedSoftkey, "", "softkey"},
	SKIGWFile:      {"SCCP gateway config", NeedGateway, "", "unit"},
	PortFile:       {"SCCP gateway port", NeedGateway, "", "unit"},
	ATAXMLFile:     {"ATA 190 config", NeedGateway, "", "unit"},
	ATATextFile:    {"ATA 186 profile", NeedGateway, "", "unit"},
	GatewayCnfFile: {"gateway .cnf", NeedGateway, "", "unit"},
	MGCPFile:       {"MGCP gateway config", NeedGateway, "", "unit"},
	SAADefaultFile: {"SAADefault", NeedDefaults, "", "default"},
	SDADefaultFile: {"SDADefault", NeedDefaults, "", "default"},
}

// String returns the kind's name as messages show it ("device config",
// "dial plan (79x1)" …), or "" for a kind that does not exist.
func (k Kind) String() string {
	if k <= 0 || int(k) >= len(kinds) {
		return ""
	}
	return kinds[k].name
}

// Needs returns the records a file of this kind is rendered from (0 for a
// kind that does not exist).
func (k Kind) Needs() Need {
	if k <= 0 || int(k) >= len(kinds) {
		return 0
	}
	return kinds[k].needs
}

// Class returns the class of the Cisco build counters a file of this kind
// counts in: device, unit, dialrule, softkey or default.
func (k Kind) Class() string {
	if k <= 0 || int(k) >= len(kinds) {
		return "default"
	}
	return kinds[k].class
}

// Family returns the family of device file the Cisco request counters count
// a request for t in: sep, sip, ld, gk, or "" (a gateway's <name>.cnf and
// the shared files are in none).
func (t Target) Family() string {
	if t.Kind <= 0 || int(t.Kind) >= len(kinds) {
		return ""
	}
	f := kinds[t.Kind].family
	if f == "sep" && !(len(t.Name) >= 3 && strings.EqualFold(t.Name[:3], "SEP")) {
		return ""
	}
	return f
}

// Target is a requested name resolved: the kind of file, the record it is
// rendered from, and the name as it was asked for.
type Target struct {
	Kind Kind
	Key  string // device, gateway, dial-plan or softkey-template name; empty for default files
	Name string // the requested name, as given to Resolve
}

// Resolve maps a requested file name to the kind of file and the record it
// is rendered from; it reads no records, so an answer is a candidate: the
// records decide (Render). The name is matched as phones send it (SEP/SIP
// upper-case MAC, ld/gk lower-case), case-insensitively in the fixed
// parts. A <name>.xml answer is only a candidate for a 7940-family plan;
// a <name>.cnf not SEP<MAC>.cnf, or a <host name>.cnf.xml, only one for a
// gateway (resolveGateway).
func Resolve(name string) (Target, bool) {
	to := func(k Kind, key string) (Target, bool) { return Target{Kind: k, Key: key, Name: name}, true }
	n := strings.TrimPrefix(strings.ReplaceAll(name, "\\", "/"), "/")
	for _, d := range defaultNames {
		if foldEqual(n, d.name) {
			return to(d.kind, "")
		}
	}
	if strings.Contains(n, "/") {
		return Target{}, false
	}
	if k, key, ok := resolveGateway(n); ok {
		return to(k, key)
	}
	switch {
	case hasPrefixFold(n, "sep") && hasSuffixFold(n, ".cnf.xml") && len(n) == 23:
		if m, ok := nameMAC(n[3 : len(n)-8]); ok {
			return to(DeviceXMLFile, sepKey(n, m))
		}
	case hasPrefixFold(n, "sep") && hasSuffixFold(n, ".cnf") && len(n) == 19 && domain.GatewayNameShape(n[:15]) == domain.ShapePhone:
		if m, ok := nameMAC(n[3 : len(n)-4]); ok {
			return to(LegacyCnfFile, sepKey(n, m))
		}
	case hasPrefixFold(n, "sip") && hasSuffixFold(n, ".cnf") && len(n) == 19 && domain.GatewayNameShape(n[:15]) == domain.ShapePhone:
		if m, ok := nameMAC(n[3 : len(n)-4]); ok {
			return to(SIPCnfFile, "SEP"+m)
		}
	case hasPrefixFold(n, "ld") && len(n) == 14:
		if m, ok := nameMAC(n[2:]); ok {
			return to(LDFile, "SEP"+m)
		}
	case hasPrefixFold(n, "gk") && len(n) == 14:
		if m, ok := nameMAC(n[2:]); ok {
			return to(GKFile, "SEP"+m)
		}
	case strings.HasPrefix(n, "DR") && strings.HasSuffix(n, ".xml") && domain.FileSafeName(n[2:len(n)-4]):
		return to(DR79x1File, n[2:len(n)-4])
	case strings.HasPrefix(n, "SK") && strings.HasSuffix(n, ".xml") && domain.FileSafeName(n[2:len(n)-4]):
		return to(SoftkeyXMLFile, n[2:len(n)-4])
	case hasSuffixFold(n, ".cnf") && domain.FileSafeName(n[:len(n)-4]):
		return to(GatewayCnfFile, gatewayKey(n[:len(n)-4])) // a gateway's <name>.cnf
	case strings.HasSuffix(n, ".xml") && domain.FileSafeName(n[:len(n)-4]):
		return to(Dial7940File, n[:len(n)-4])
	}
	return Target{}, false
}

// DialPlanFile is the name of the file a dial plan is served as: DR<name>.xml
// for the 79x1 family, <name>.xml for 7940/7960; the 7905 family has none
// (its rules travel inside ld/gk).
func DialPlanFile(p *domain.DialPlan) string {
	switch p.Family {
	case domain.DialFamily79x1:
		return "DR" + p.Name + ".xml"
	case domain.DialFamily7940:
		return p.Name + ".xml"
	}
	return ""
}

// SoftkeyFile is the name a softkey template is served as: SK<name>.xml.
func SoftkeyFile(t *domain.SoftkeyTemplate) string { return "SK" + t.Name + ".xml" }
