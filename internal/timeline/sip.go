package timeline

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"cmtftp/internal/domain"
)

// ProtocolSIP is the Protocol of a timeline entry that records a NOTIFY
// the server sent to the device (a reset or restart from the server).
const ProtocolSIP = "sip"

// The Result of a sip entry is the answer's status ("200", "489" …), or
// one of these.
const (
	SIPPending  = "sent"      // no answer yet
	SIPNoAnswer = "no-answer" // none came
)

// sipPending is the bytes field of a sip record awaiting its answer; 0
// is no answer, anything else the status.
const sipPending = -1

// SIPNote names a NOTIFY recorded by SIPSent, for SIPAnswered.
type SIPNote struct {
	mac uint64
	at  int64
	ok  bool
}

// phoneKey returns the key of a phone named SEP<MAC> or by its MAC.
func phoneKey(device string) (uint64, bool) {
	mac, err := domain.ParseMAC(strings.TrimPrefix(strings.ToUpper(device), "SEP"))
	if err != nil {
		return 0, false
	}
	return MACNumber(mac)
}

// SIPSent records that a NOTIFY of event went to the phone at target, so
// that its timeline shows it before the requests it makes the phone
// send; the entry says "sent" until SIPAnswered.
func (t *Timeline) SIPSent(device string, target netip.AddrPort, event string) SIPNote {
	mac, ok := phoneKey(device)
	if !ok {
		return SIPNote{}
	}
	now := time.Now()
	rec := newRecord(now, &request{name: "NOTIFY " + event, bytes: sipPending, client: target})
	rec.sip = true
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.byMAC[mac]
	if r == nil {
		r = &ring{mac: mac, bytes: ringOverhead}
		t.byMAC[mac] = r
	}
	t.record(r, rec)
	return SIPNote{mac: mac, at: rec.at, ok: true}
}

// SIPAnswered sets the answer of the NOTIFY n names: its status, 0 for
// none, and how long it took. A NOTIFY forgotten since is left alone.
func (t *Timeline) SIPAnswered(n SIPNote, status int) {
	if !n.ok {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.byMAC[n.mac]
	if r == nil {
		return
	}
	for i := range r.records {
		if rec := &r.records[i]; rec.sip && rec.at == n.at {
			rec.bytes = int64(max(status, 0))
			rec.dur = time.Now().UnixNano() - rec.at
			return
		}
	}
}

// LastAddr returns the address the phone made its last request from
// (NOTIFYs aside); ok is false for a phone not heard from.
func (t *Timeline) LastAddr(device string) (netip.Addr, bool) {
	mac, ok := phoneKey(device)
	if !ok {
		return netip.Addr{}, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.byMAC[mac]
	if r == nil {
		return netip.Addr{}, false
	}
	n := len(r.records)
	for i := range n {
		rec := &r.records[(int(r.next)+n-1-i)%n]
		if rec.sip {
			continue
		}
		a := netip.AddrFrom16(rec.addr)
		if rec.is4 {
			a = a.Unmap()
		}
		return a, true
	}
	return netip.Addr{}, false
}

// sipEntry fills in what a sip record shows differently: its protocol,
// its answer as the result, no bytes.
func (r *record) sipEntry(e *Entry) {
	e.Protocol, e.Bytes = ProtocolSIP, 0
	switch r.bytes {
	case sipPending:
		e.Result = SIPPending
	case 0:
		e.Result = SIPNoAnswer
	default:
		e.Result = strconv.FormatInt(r.bytes, 10)
	}
}
