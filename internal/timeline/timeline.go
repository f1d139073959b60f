// Package timeline keeps, for each device, its last requests — time,
// protocol, name, result, bytes, duration — so an admin can see what a
// stuck phone asked for and what it got. The device is the MAC in the
// requested name (SEP…, SIP…, ld…, gk…, CTLSEP…, ITLSEP…), or for names
// without one (RingList.xml, a load), the MAC last seen from the same
// client address.
package timeline

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/httpd"
	"cmtftp/internal/tftpd"
)

// MaxDevices bounds how many devices the database knows are remembered;
// MaxUnknown how many others (MACs not in the database: a phone not added
// yet, or a walk of random names). Each budget forgets the device heard
// from least recently first, so unknown MACs never evict known devices.
const (
	MaxDevices = 10000
	MaxUnknown = 1000
)

// Entry is one request.
type Entry struct {
	Time     time.Time     `json:"time"`
	Protocol string        `json:"protocol"`
	Name     string        `json:"name"`
	Result   string        `json:"result"`
	Bytes    int64         `json:"bytes"`
	Duration time.Duration `json:"durationNs"`
	Client   string        `json:"client"`
	// Cluster names the remote cluster that served the file; empty when
	// this server's own chain did.
	Cluster string `json:"cluster,omitempty"`
}

type ring struct {
	mac        string
	entries    []Entry
	next       int
	full       bool
	known      bool
	prev, newr *ring // the pool's order: newr towards the most recently heard
}

// pool is one budget of devices, linked from the least recently heard
// (oldest) to the most (newest): adding, touching and forgetting are O(1).
type pool struct {
	max            int
	n              int
	oldest, newest *ring
}

func (p *pool) unlink(r *ring) {
	if r.prev != nil {
		r.prev.newr = r.newr
	} else {
		p.oldest = r.newr
	}
	if r.newr != nil {
		r.newr.prev = r.prev
	} else {
		p.newest = r.prev
	}
	r.prev, r.newr = nil, nil
	p.n--
}

func (p *pool) push(r *ring) {
	r.prev, r.newr = p.newest, nil
	if p.newest != nil {
		p.newest.newr = r
	} else {
		p.oldest = r
	}
	p.newest = r
	p.n++
}

// Timeline is safe for concurrent use.
type Timeline struct {
	per     int
	mu      sync.Mutex
	known   func(mac string) bool
	byMAC   map[string]*ring
	byAddr  map[netip.Addr]string
	devices pool // MACs the database knows
	unknown pool // the others
}

// New keeps the last per requests of each device. Until SetKnown is
// called every MAC counts as known.
func New(per int) *Timeline {
	return &Timeline{per: per, byMAC: map[string]*ring{}, byAddr: map[netip.Addr]string{},
		devices: pool{max: MaxDevices}, unknown: pool{max: MaxUnknown}}
}

// SetKnown sets the predicate that tells a MAC (12 upper-case hex digits)
// of a device in the database; it must be O(1) and safe for concurrent use.
func (t *Timeline) SetKnown(known func(mac string) bool) {
	t.mu.Lock()
	t.known = known
	t.mu.Unlock()
}

// MACOf returns the MAC a requested name carries, upper-case, or "".
func MACOf(name string) string {
	mac, ok := macOf(name)
	if !ok {
		return ""
	}
	return string(mac[:])
}

// macOf finds the MAC of a device-specific name — SEP, SIP, ld or gk,
// optionally after CTL, ITL or EXT_ITL, any case, then 12 hex digits and
// the end or a character that is not one — without allocating.
func macOf(name string) (mac [12]byte, ok bool) {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	for _, p := range [...]string{"ext_itl", "ctl", "itl"} {
		if len(name) >= len(p) && strings.EqualFold(name[:len(p)], p) {
			name = name[len(p):]
			break
		}
	}
	switch {
	case len(name) >= 3 && (strings.EqualFold(name[:3], "sep") || strings.EqualFold(name[:3], "sip")):
		name = name[3:]
	case len(name) >= 2 && (strings.EqualFold(name[:2], "ld") || strings.EqualFold(name[:2], "gk")):
		name = name[2:]
	default:
		return mac, false
	}
	if len(name) < 12 || len(name) > 12 && hexUpper(name[12]) != 0 {
		return mac, false
	}
	for i := range 12 {
		if mac[i] = hexUpper(name[i]); mac[i] == 0 {
			return mac, false
		}
	}
	return mac, true
}

// hexUpper returns c as an upper-case hex digit, or 0 when it is none.
func hexUpper(c byte) byte {
	switch {
	case '0' <= c && c <= '9', 'A' <= c && c <= 'F':
		return c
	case 'a' <= c && c <= 'f':
		return c - 'a' + 'A'
	}
	return 0
}

// Add records one request.
func (t *Timeline) Add(e Entry, client netip.Addr) {
	m, ok := macOf(e.Name)
	t.mu.Lock()
	defer t.mu.Unlock()
	var r *ring
	switch {
	case ok:
		if r = t.byMAC[string(m[:])]; r == nil {
			r = t.create(string(m[:]))
		}
		if t.byAddr[client] != r.mac {
			if len(t.byAddr) >= 4*(MaxDevices+MaxUnknown) {
				clear(t.byAddr)
			}
			t.byAddr[client] = r.mac
		}
	default:
		mac := t.byAddr[client]
		if mac == "" {
			return
		}
		if r = t.byMAC[mac]; r == nil {
			r = t.create(mac)
		}
	}
	t.touch(r)
	r.entries[r.next] = e
	r.next = (r.next + 1) % t.per
	r.full = r.full || r.next == 0
}

// create adds an empty ring for mac, in no pool yet.
func (t *Timeline) create(mac string) *ring {
	r := &ring{mac: mac, entries: make([]Entry, t.per)}
	t.byMAC[mac] = r
	return r
}

// touch makes r the most recently heard of its pool — the known devices'
// or the others', as the predicate says now — forgetting that pool's
// least recently heard device when it is full.
func (t *Timeline) touch(r *ring) {
	known := t.known == nil || t.known(r.mac)
	if r.prev != nil || r.newr != nil || t.poolOf(r.known).oldest == r {
		t.poolOf(r.known).unlink(r)
	}
	r.known = known
	p := t.poolOf(known)
	if p.n >= p.max {
		old := p.oldest
		p.unlink(old)
		delete(t.byMAC, old.mac)
	}
	p.push(r)
}

func (t *Timeline) poolOf(known bool) *pool {
	if known {
		return &t.devices
	}
	return &t.unknown
}

// Of returns a device's requests, oldest first. device is SEP+MAC or a MAC.
func (t *Timeline) Of(device string) []Entry {
	mac, err := domain.ParseMAC(strings.TrimPrefix(strings.ToUpper(device), "SEP"))
	if err != nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.byMAC[mac]
	if r == nil {
		return []Entry{}
	}
	var out []Entry
	if r.full {
		out = append(out, r.entries[r.next:]...)
	}
	return append(out, r.entries[:r.next]...)
}

// TFTP is the TFTP engine's OnDone hook.
func (t *Timeline) TFTP(r tftpd.Result) {
	t.Add(Entry{Time: time.Now().UTC(), Protocol: "tftp", Name: r.Name, Result: r.Outcome.String(), Bytes: r.Bytes,
		Duration: r.Duration, Client: r.Remote.String(), Cluster: r.Origin}, r.Remote.Addr())
}

// HTTP is the HTTP handler's OnDone hook.
func (t *Timeline) HTTP(r httpd.Result) {
	// The same words as the TFTP outcomes.
	res := "failed"
	switch {
	case r.Aborted:
		res = "aborted"
	case r.Status < 400:
		res = "completed"
	case r.Status == http.StatusNotFound:
		res = "not_found"
	case r.Overflow:
		res = "overflow"
	case r.Status == http.StatusServiceUnavailable:
		res = "busy"
	case r.Status == http.StatusForbidden:
		res = "denied"
	}
	t.Add(Entry{Time: time.Now().UTC(), Protocol: "http", Name: r.Name, Result: res, Bytes: r.Bytes,
		Duration: r.Duration, Client: r.Remote.String(), Cluster: r.Origin}, r.Remote.Addr())
}

// ServeHTTP answers GET /api/v1/devices/{name}/timeline.
func (t *Timeline) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	entries := t.Of(r.PathValue("name"))
	if entries == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": "bad_request", "message": "name a phone by SEP<MAC> or its MAC"}})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(entries)
}
