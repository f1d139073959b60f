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
	"regexp"
	"strings"
	"sync"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/httpd"
	"cmtftp/internal/tftpd"
)

// MaxDevices bounds how many devices are remembered; the one heard from
// least recently is forgotten first.
const MaxDevices = 10000

// Entry is one request.
type Entry struct {
	Time     time.Time     `json:"time"`
	Protocol string        `json:"protocol"`
	Name     string        `json:"name"`
	Result   string        `json:"result"`
	Bytes    int64         `json:"bytes"`
	Duration time.Duration `json:"durationNs"`
	Client   string        `json:"client"`
}

type ring struct {
	entries []Entry
	next    int
	full    bool
	seen    time.Time
}

// Timeline is safe for concurrent use.
type Timeline struct {
	per    int
	mu     sync.Mutex
	byMAC  map[string]*ring
	byAddr map[netip.Addr]string
}

// New keeps the last per requests of each device.
func New(per int) *Timeline {
	return &Timeline{per: per, byMAC: map[string]*ring{}, byAddr: map[netip.Addr]string{}}
}

var macIn = regexp.MustCompile(`(?i)^(?:ctl|itl|ext_itl)?(?:sep|sip|ld|gk)([0-9a-f]{12})(?:[^0-9a-f]|$)`)

// MACOf returns the MAC a requested name carries, upper-case, or "".
func MACOf(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	m := macIn.FindStringSubmatch(name)
	if m == nil {
		return ""
	}
	return strings.ToUpper(m[1])
}

// Add records one request.
func (t *Timeline) Add(e Entry, client netip.Addr) {
	mac := MACOf(e.Name)
	t.mu.Lock()
	defer t.mu.Unlock()
	if mac != "" {
		if len(t.byAddr) >= 4*MaxDevices {
			clear(t.byAddr)
		}
		t.byAddr[client] = mac
	} else if mac = t.byAddr[client]; mac == "" {
		return
	}
	r := t.byMAC[mac]
	if r == nil {
		if len(t.byMAC) >= MaxDevices {
			t.evict()
		}
		r = &ring{entries: make([]Entry, t.per)}
		t.byMAC[mac] = r
	}
	r.entries[r.next] = e
	r.next = (r.next + 1) % t.per
	r.full = r.full || r.next == 0
	r.seen = e.Time
}

func (t *Timeline) evict() {
	var oldest string
	var at time.Time
	for mac, r := range t.byMAC {
		if oldest == "" || r.seen.Before(at) {
			oldest, at = mac, r.seen
		}
	}
	delete(t.byMAC, oldest)
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
		Duration: r.Duration, Client: r.Remote.String()}, r.Remote.Addr())
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
		Duration: r.Duration, Client: r.Remote.String()}, r.Remote.Addr())
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
