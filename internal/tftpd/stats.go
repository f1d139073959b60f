package tftpd

import "sync/atomic"

// Stats are the engine's counters, named after the "Cisco TFTP" performance
// object where one exists.
type Stats struct {
	Requests          atomic.Uint64 // RRQ and WRQ received
	RequestsProcessed atomic.Uint64 // transfers completed
	RequestsNotFound  atomic.Uint64 // file not found
	RequestsDenied    atomic.Uint64 // access violations: hostile names, WRQ
	RequestsOverflow  atomic.Uint64 // refused past the Maximum Serving Count
	RequestsBusy      atomic.Uint64 // a source answered busy
	RequestsAborted   atomic.Uint64 // transfers ended early: timeout, client error, shutdown
	RequestsFailed    atomic.Uint64 // other errors (bad mode, source failure)
	InProgress        atomic.Int64  // transfers holding a serving slot
	SegmentsSent      atomic.Uint64 // DATA and OACK packets sent, resends included
	SegmentsAcked     atomic.Uint64 // blocks acknowledged
	Retransmits       atomic.Uint64 // windows sent again after a timeout
	Malformed         atomic.Uint64 // datagrams on a listener that were not a valid request
	UnknownTID        atomic.Uint64 // packets from a wrong source answered with ERROR 5
	Unverified        atomic.Uint64 // transfers ended unsent: their source's unverified budget was spent
	PeerUnreachable   atomic.Uint64 // transfers ended by an ICMP error from the peer
	Duplicates        atomic.Uint64 // requests dropped as copies of one being served (duplicates.go)
}

// StatsSnapshot is a copy of Stats at one moment.
type StatsSnapshot struct {
	Requests, RequestsProcessed, RequestsNotFound, RequestsDenied   uint64
	RequestsOverflow, RequestsBusy, RequestsAborted, RequestsFailed uint64
	InProgress                                                      int64
	SegmentsSent, SegmentsAcked, Retransmits, Malformed, UnknownTID uint64
	Unverified, PeerUnreachable, Duplicates                         uint64
}

func (s *Stats) snapshot() StatsSnapshot {
	return StatsSnapshot{
		Requests:          s.Requests.Load(),
		RequestsProcessed: s.RequestsProcessed.Load(),
		RequestsNotFound:  s.RequestsNotFound.Load(),
		RequestsDenied:    s.RequestsDenied.Load(),
		RequestsOverflow:  s.RequestsOverflow.Load(),
		RequestsBusy:      s.RequestsBusy.Load(),
		RequestsAborted:   s.RequestsAborted.Load(),
		RequestsFailed:    s.RequestsFailed.Load(),
		InProgress:        s.InProgress.Load(),
		SegmentsSent:      s.SegmentsSent.Load(),
		SegmentsAcked:     s.SegmentsAcked.Load(),
		Retransmits:       s.Retransmits.Load(),
		Malformed:         s.Malformed.Load(),
		UnknownTID:        s.UnknownTID.Load(),
		Unverified:        s.Unverified.Load(),
		PeerUnreachable:   s.PeerUnreachable.Load(),
		Duplicates:        s.Duplicates.Load(),
	}
}
