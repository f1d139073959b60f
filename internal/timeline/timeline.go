// Package timeline keeps, for each device, its last requests — time,
// protocol, name, result, bytes, duration — so an admin can see what a
// stuck phone asked for and what it got. The device is the MAC in the
// requested name (SEP…, SIP…, ld…, gk…, CTLSEP…, ITLSEP…), or for names
// without one (RingList.xml, a load), the MAC last seen from the same
// client address.
//
// Its memory is bounded twice: by the devices remembered (MaxDevices known
// to the database, MaxUnknown others) and by a byte bound on their
// requests, each kept in a fixed-size record, a device's ring of them
// growing only as it makes requests.
// Recording a request and forgetting a device are O(1).
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

// DefaultMaxBytes is the default byte bound of a timeline (New with
// maxBytes zero): an eighth of it for the unknown MACs, the rest for the
// known devices. At about 120 bytes a request it holds some 280,000
// requests: 28 for each of 10,000 devices, more than a phone's boot.
const DefaultMaxBytes = 32 << 20

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
	// Signer names the key that signed (or encrypted) the file as this
	// server served it; empty when it was served as stored — unsigned,
	// or signed elsewhere (firmware, another cluster's files).
	Signer string `json:"signer,omitempty"`
}

// Timeline is safe for concurrent use.
type Timeline struct {
	per     int
	mu      sync.Mutex
	known   func(mac uint64) bool
	byMAC   map[uint64]*ring
	byAddr  map[netip.Addr]uint64 // a client address → the MAC last named from it
	devices pool                  // MACs the database knows
	unknown pool                  // the others
}

// New keeps the last per requests of each device, in at most maxBytes
// bytes (zero: DefaultMaxBytes). Until SetKnown is called every MAC counts
// as known.
func New(per int, maxBytes int64) *Timeline {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Timeline{per: max(per, 1), byMAC: map[uint64]*ring{}, byAddr: map[netip.Addr]uint64{},
		devices: pool{max: MaxDevices, maxBytes: maxBytes - maxBytes/8}, unknown: pool{max: MaxUnknown, maxBytes: maxBytes / 8}}
}

// SetKnown sets the predicate that tells a MAC (as MACNumber gives it) of
// a device in the database; it must be O(1) and safe for concurrent use.
func (t *Timeline) SetKnown(known func(mac uint64) bool) {
	t.mu.Lock()
	t.known = known
	t.mu.Unlock()
}

// Bytes returns what the remembered requests count against the byte
// bound.
func (t *Timeline) Bytes() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.devices.bytes + t.unknown.bytes
}

// request is one finished request, as the TFTP and HTTP hooks give it.
type request struct {
	http     bool
	name     string
	outcome  tftpd.Outcome
	bytes    int64
	duration time.Duration
	client   netip.AddrPort
	cluster  string
	signer   string
	tls      bool
}

// keyOf returns the key of the device a requested name is of: the MAC
// of a phone's name, or a gateway's key (gateway.go).
func keyOf(name string) (uint64, bool) {
	if m, ok := macOf(name); ok {
		return macNumber(m), true
	}
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return 0, false // a locale, a background: the client's device
	}
	if k, ok := gatewayFileKey(name); ok {
		return k, true
	}
	return hostFileKey(name)
}

// add records one request.
func (t *Timeline) add(q request) {
	key, ok := keyOf(q.name)
	client := q.client.Addr()
	t.mu.Lock()
	defer t.mu.Unlock()
	mac := key
	if ok {
		if last, seen := t.byAddr[client]; !seen || last != mac {
			if len(t.byAddr) >= 4*(MaxDevices+MaxUnknown) {
				clear(t.byAddr)
			}
			t.byAddr[client] = mac
		}
	} else if mac, ok = t.byAddr[client]; !ok {
		return
	}
	r := t.byMAC[mac]
	if r == nil {
		r = &ring{mac: mac, bytes: ringOverhead}
		t.byMAC[mac] = r
	}
	t.record(r, newRecord(time.Now(), &q))
}

// record adds rec to r and makes r the most recently heard of its pool —
// the known devices' or the others', as the predicate says now —
// forgetting that pool's least recently heard devices while it is past
// its bounds.
func (t *Timeline) record(r *ring, rec record) {
	known := t.known == nil || t.known(r.mac)
	if p := t.poolOf(r.known); p.has(r) {
		p.unlink(r)
	}
	r.shareNames(&rec)
	t.put(r, rec)
	r.known = known
	p := t.poolOf(known)
	p.push(r)
	for p.over(r) {
		old := p.oldest
		p.unlink(old)
		delete(t.byMAC, old.mac)
	}
}

// put writes rec into r's next slot, growing r up to per slots first.
func (t *Timeline) put(r *ring, rec record) {
	if r.full {
		old := &r.records[r.next]
		r.bytes -= old.charge()
		*old = rec
		r.next = int32((int(r.next) + 1) % t.per)
	} else {
		if len(r.records) == cap(r.records) {
			grown := make([]record, len(r.records), min(t.per, max(2, 2*cap(r.records))))
			copy(grown, r.records)
			r.bytes += int64(cap(grown)-cap(r.records)) * recordSize
			r.records = grown
		}
		r.records = append(r.records, rec)
		r.full = len(r.records) == t.per
	}
	r.bytes += rec.charge()
}

func (t *Timeline) poolOf(known bool) *pool {
	if known {
		return &t.devices
	}
	return &t.unknown
}

// Of returns a device's requests, oldest first. device is SEP+MAC, a MAC,
// or a gateway's name (GatewayKey).
func (t *Timeline) Of(device string) []Entry {
	var n uint64
	if mac, err := domain.ParseMAC(strings.TrimPrefix(strings.ToUpper(device), "SEP")); err == nil {
		n, _ = MACNumber(mac)
	} else if k, ok := GatewayKey(device); ok && domain.FileSafeName(device) {
		n = k
	} else {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.byMAC[n]
	if r == nil {
		return []Entry{}
	}
	out := make([]Entry, 0, len(r.records))
	for i := range r.records {
		out = append(out, r.records[(int(r.next)+i)%len(r.records)].entry())
	}
	return out
}

// TFTP is the TFTP engine's OnDone hook.
func (t *Timeline) TFTP(r tftpd.Result) {
	t.add(request{name: r.Name, outcome: r.Outcome, bytes: r.Bytes, duration: r.Duration, client: r.Remote, cluster: r.Origin,
		signer: r.Signer})
}

// HTTP is the HTTP handler's OnDone hook.
func (t *Timeline) HTTP(r httpd.Result) {
	// The same words as the TFTP outcomes.
	res := tftpd.OutcomeFailed
	switch {
	case r.Aborted:
		res = tftpd.OutcomeAborted
	case r.Status < 400:
		res = tftpd.OutcomeCompleted
	case r.Status == http.StatusNotFound:
		res = tftpd.OutcomeNotFound
	case r.Overflow:
		res = tftpd.OutcomeOverflow
	case r.Status == http.StatusServiceUnavailable:
		res = tftpd.OutcomeBusy
	case r.Status == http.StatusForbidden:
		res = tftpd.OutcomeDenied
	}
	t.add(request{http: true, tls: r.TLS, name: r.Name, outcome: res, bytes: r.Bytes, duration: r.Duration, client: r.Remote,
		cluster: r.Origin, signer: r.Signer})
}

// ServeHTTP answers GET /api/v1/devices/{name}/timeline.
func (t *Timeline) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	entries := t.Of(r.PathValue("name"))
	if entries == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": "bad_request", "message": "name a phone by SEP<MAC> or its MAC, or a gateway by its name"}})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(entries)
}
