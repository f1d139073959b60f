package timeline

import (
	"net/netip"
	"time"
	"unsafe"

	"cmtftp/internal/tftpd"
)

// record is one request as the timeline keeps it: fixed-size, its client
// address unpacked into bytes, its result one of the TFTP outcomes (HTTP's
// results use the same words), and its name shared with an earlier record
// of the device that has the same (a phone asks for the same few files at
// every boot). Entry is the form the API shows.
type record struct {
	at      int64 // Unix nanoseconds
	dur     int64 // nanoseconds
	bytes   int64
	name    string
	cluster string // "": this server's own chain
	signer  string // "": served as stored
	addr    [16]byte
	port    uint16
	is4     bool
	http    bool
	tls     bool
	sip     bool // a NOTIFY sent to the device (sip.go)
	outcome tftpd.Outcome
}

// recordSize is what one slot of a device's ring costs.
const recordSize = int64(unsafe.Sizeof(record{}))

// stringOverhead is what the timeline counts for a record's name beyond
// its bytes (the allocation's rounding). A name shared between records is
// counted for each, which over-counts and keeps the byte bound a bound.
const stringOverhead = 16

// newRecord packs one request.
func newRecord(at time.Time, q *request) record {
	r := record{at: at.UnixNano(), dur: int64(q.duration), bytes: q.bytes, name: q.name, cluster: q.cluster,
		signer: q.signer, http: q.http, tls: q.tls, outcome: q.outcome, port: q.client.Port()}
	a := q.client.Addr()
	r.is4 = a.Is4()
	r.addr = a.As16()
	return r
}

// charge is the bytes r counts against the byte bound beyond its slot.
func (r *record) charge() int64 {
	n := int64(len(r.name)) + stringOverhead
	if r.cluster != "" {
		n += int64(len(r.cluster)) + stringOverhead
	}
	if r.signer != "" {
		n += int64(len(r.signer)) + stringOverhead
	}
	return n
}

// entry unpacks r for the API.
func (r *record) entry() Entry {
	e := Entry{Time: time.Unix(0, r.at).UTC(), Protocol: "tftp", Name: r.name, Result: r.outcome.String(),
		Bytes: r.bytes, Duration: time.Duration(r.dur), Cluster: r.cluster, Signer: r.signer}
	switch {
	case r.tls:
		e.Protocol = "https"
	case r.http:
		e.Protocol = "http"
	}
	a := netip.AddrFrom16(r.addr)
	if r.is4 {
		a = a.Unmap()
	}
	e.Client = netip.AddrPortFrom(a, r.port).String()
	if r.sip {
		r.sipEntry(&e)
	}
	return e
}

// shareNames points rec's names at the same strings of one of the last
// few records of r, when they are equal, so that a phone's repeated
// requests keep one copy of each name.
func (r *ring) shareNames(rec *record) {
	n := len(r.records)
	for i := range min(n, 8) {
		prev := &r.records[(int(r.next)+n-1-i)%n]
		if prev.name == rec.name {
			rec.name = prev.name
		}
		if rec.cluster != "" && prev.cluster == rec.cluster {
			rec.cluster = prev.cluster
		}
		if rec.signer != "" && prev.signer == rec.signer {
			rec.signer = prev.signer
		}
	}
}
