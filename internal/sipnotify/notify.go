// Package sipnotify makes Cisco SIP phones fetch their files again: it
// builds the unsolicited SIP NOTIFY each phone family reacts to (spec
// §16), sends it with a sipgo client, and rolls a mass reset out at a
// bounded rate with a bounded number of NOTIFYs awaiting their answer, so
// that the re-fetches that follow stay under the serving limit.
//
// What is sent, by family:
//   - enterprise SIP firmware (79x1, 797x, 78xx, 88xx …, the models whose
//     SIP files are cnf.xml): "Event: service-control", Content-Type
//     text/plain, a body of action=restart|reset, RegisterCallId={…} and
//     the Config, Dialplan and Softkey version stamps of the files built
//     for the phone;
//   - 7940/7960 SIP (sip.cnf) and 7905/7912 (ld, gk): "Event: check-sync"
//     and no body.
package sipnotify

import (
	"net/netip"
	"slices"

	"cmtftp/internal/domain"
)

// The events of spec §16.
const (
	EventServiceControl = "service-control"
	EventCheckSync      = "check-sync"
)

// The actions of a service-control NOTIFY: restart re-reads the
// configuration files and re-registers; reset reboots the phone.
const (
	ActionRestart = "restart"
	ActionReset   = "reset"
)

// DefaultPort is the SIP port a phone listens on unless its SIP profile
// says otherwise (voipControlPort).
const DefaultPort = 5060

// ZeroStamp is the version stamp sent for a file whose stamp is unknown.
const ZeroStamp = "00000000-0000-0000-0000-000000000000"

// Stamps are the version stamps of the files built for a phone.
type Stamps struct {
	Config, Dialplan, Softkey string
}

// Target is one NOTIFY to send.
type Target struct {
	// Device is the phone's name, SEP<MAC>: the user part of the
	// request URI and the To header.
	Device string
	// Addr is where the NOTIFY goes: the phone's SIP contact.
	Addr netip.AddrPort
	// Event is EventServiceControl or EventCheckSync.
	Event string
	// Action is ActionRestart or ActionReset (service-control only).
	Action string
	// Stamps go in a service-control body; empty ones are ZeroStamp.
	Stamps Stamps
	// RegisterCallID is the Call-ID of the phone's REGISTER; "" when
	// unknown (sent as empty braces).
	RegisterCallID string
}

// EventFor returns the event a phone of model m running protocol reacts
// to; ok is false for a phone that takes no SIP NOTIFY (SCCP, or a model
// without SIP files).
func EventFor(m domain.Model, protocol string) (event string, ok bool) {
	if protocol != domain.ProtocolSIP {
		return "", false
	}
	fams := m.Files(domain.ProtocolSIP)
	switch {
	case slices.Contains(fams, domain.FamilyCnfXML):
		return EventServiceControl, true
	case slices.Contains(fams, domain.FamilySIPCnf), slices.Contains(fams, domain.FamilyLD),
		slices.Contains(fams, domain.FamilyGK):
		return EventCheckSync, true
	}
	return "", false
}
