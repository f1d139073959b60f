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
	LegacyCnfFile                  // SEP<MAC>.cnf (or <name>.cnf for a gateway)
	SIPCnfFile                     // SIP<MAC>.cnf
	LDFile                         // ld<mac>
	GKFile                         // gk<mac>
	XMLDefaultFile                 // XMLDefault.cnf.xml
	SEPDefaultFile                 // SEPDefault.cnf
	SIPDefaultFile                 // SIPDefault.cnf
	DR79x1File                     // DR<plan>.xml
	Dial7940File                   // <plan>.xml
	SoftkeyXMLFile                 // SK<template>.xml
)

var kindNames = map[Kind]string{DeviceXMLFile: "device config", LegacyCnfFile: "legacy .cnf", SIPCnfFile: "7940/7960 SIP config",
	LDFile: "7905 profile", GKFile: "7912 profile", XMLDefaultFile: "XMLDefault", SEPDefaultFile: "SEPDefault",
	SIPDefaultFile: "SIPDefault", DR79x1File: "dial plan (79x1)", Dial7940File: "dial plan (7940)", SoftkeyXMLFile: "softkey template"}

func (k Kind) String() string { return kindNames[k] }

// Target says which builder makes a requested name, from which record.
type Target struct {
	Kind Kind
	Key  string // device name, dial-plan or softkey-template name; empty for default files
}

// Resolve maps a requested file name to its builder and record. The name
// is matched as phones send it (SEP/SIP upper-case MAC, ld/gk lower-case),
// case-insensitively in the fixed parts. A <name>.xml answer is only a
// candidate: the caller checks that a 7940-family plan of that name exists.
func Resolve(name string) (Target, bool) {
	n := strings.TrimPrefix(strings.ReplaceAll(name, "\\", "/"), "/")
	lower := strings.ToLower(n)
	switch lower {
	case "xmldefault.cnf.xml":
		return Target{Kind: XMLDefaultFile}, true
	case "sepdefault.cnf":
		return Target{Kind: SEPDefaultFile}, true
	case "sipdefault.cnf":
		return Target{Kind: SIPDefaultFile}, true
	}
	if strings.Contains(n, "/") {
		return Target{}, false
	}
	mac := func(s string) (string, bool) {
		m, err := domain.ParseMAC(s)
		return m, err == nil && len(s) == 12
	}
	switch {
	case strings.HasPrefix(lower, "sep") && strings.HasSuffix(lower, ".cnf.xml"):
		if m, ok := mac(n[3 : len(n)-8]); ok {
			return Target{DeviceXMLFile, "SEP" + m}, true
		}
	case strings.HasPrefix(lower, "sep") && strings.HasSuffix(lower, ".cnf"):
		if m, ok := mac(n[3 : len(n)-4]); ok {
			return Target{LegacyCnfFile, "SEP" + m}, true
		}
	case strings.HasPrefix(lower, "sip") && strings.HasSuffix(lower, ".cnf"):
		if m, ok := mac(n[3 : len(n)-4]); ok {
			return Target{SIPCnfFile, "SEP" + m}, true
		}
	case strings.HasPrefix(lower, "ld") && len(n) == 14:
		if m, ok := mac(n[2:]); ok {
			return Target{LDFile, "SEP" + m}, true
		}
	case strings.HasPrefix(lower, "gk") && len(n) == 14:
		if m, ok := mac(n[2:]); ok {
			return Target{GKFile, "SEP" + m}, true
		}
	case strings.HasPrefix(n, "DR") && strings.HasSuffix(n, ".xml") && domain.FileSafeName(n[2:len(n)-4]):
		return Target{DR79x1File, n[2 : len(n)-4]}, true
	case strings.HasPrefix(n, "SK") && strings.HasSuffix(n, ".xml") && domain.FileSafeName(n[2:len(n)-4]):
		return Target{SoftkeyXMLFile, n[2 : len(n)-4]}, true
	case strings.HasSuffix(lower, ".cnf") && domain.FileSafeName(n[:len(n)-4]):
		return Target{LegacyCnfFile, n[:len(n)-4]}, true // a gateway's <name>.cnf
	case strings.HasSuffix(n, ".xml") && domain.FileSafeName(n[:len(n)-4]):
		return Target{Dial7940File, n[:len(n)-4]}, true
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
