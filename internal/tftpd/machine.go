package tftpd

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"cmtftp/internal/tftp"
)

// The texts of the ERROR packets the machine sends.
const (
	unknownTIDMessage  = "Unknown transfer ID"
	timedOutMessage    = "transfer timed out"
	shutdownMessage    = "server shutting down"
	fileChangedMessage = "file changed during transfer"
)

// Why a transfer was aborted, for the debug log.
var (
	// errPeer means the client sent an ERROR and the transfer is over.
	errPeer = errors.New("tftpd: client sent an error")
	// errShutdown means Shutdown's grace period ran out.
	errShutdown = errors.New("tftpd: transfer aborted by shutdown")
	// errTransferTimeout means the transfer reached TransferTimeout.
	errTransferTimeout = errors.New("tftpd: transfer timeout")
	// errUnverified means the peer's source had spent its budget of
	// unverified bytes.
	errUnverified = errors.New("tftpd: unverified budget of the source spent")
	// errRetries means a window went unacknowledged through every retry.
	errRetries = errors.New("tftpd: retries exhausted")
)

// maxBackoff bounds the doubling of the retransmission timeout.
const maxBackoff = 8

// Until a peer acknowledges its first block (or the OACK), nothing shows
// that it asked: the request's source may be forged. Such a transfer is
// sent its first block (or OACK), resent once after the retransmission
// timeout (at most unverifiedWait), and given up unverifiedWait after the
// resend if still unanswered: it holds its slot a few seconds at most (3 s
// with the default 1 s timeout: sends at 0 and 1 s, given up at 3 s), and
// a real client whose ACK was lost has that long to send it again, however
// short the server's timeout. After the first ACK the normal schedule
// applies.
const (
	unverifiedResends = 1
	unverifiedWait    = 2 * time.Second
)

// machine is one read transfer's protocol, free of I/O. A driver hands it
// each packet that arrives on the transfer's socket (onPacket), the expiry
// of the time it last asked to be woken at (onTimeout) and the server's
// shutdown (onShutdown), and carries out the action each returns: the
// goroutine driver (goroutine.go) and the event loop (loop_linux.go) only
// move bytes for it.
//
// Blocks are numbered from 1. When options were accepted, the OACK is
// "block 0" and must be acknowledged by ACK 0 before any DATA (RFC 2347):
//
//	client                                           server
//	-------------------------------------------------------
//	|1|foofile|0|octet|0|blksize|0|1432|0|  -->               RRQ
//	                              <--  |6|blksize|0|1432|0|   OACK
//	|4|0|  -->                                                ACK
//	                       <--  |3|1| 1432 octets of data |   DATA
//	|4|1|  -->                                                ACK
//	                       <--  |3|2| 1432 octets of data |   DATA
//	|4|2|  -->                                                ACK
//	                       <--  |3|3|<1432 octets of data |   DATA
//	|4|3|  -->                                                ACK
//
// A window of blocks is sent, then the machine waits for the ACK of its
// last block (RFC 7440; a window of one is RFC 1350's lockstep). An ACK of
// an earlier block restarts the window after it; a duplicate, stale or
// future ACK changes nothing (RFC 1123 4.2.3.1, no Sorcerer's Apprentice).
// On a timeout, "the last received ACK SHALL set the beginning of the next
// windowsize data block window to be sent" (RFC 7440 section 4), with
// backoff, until the retries run out. How much of the window goes is the
// sender's policy (window.go).
type machine struct {
	peer       netip.AddrPort // the client's address and TID, unmapped
	total      int64          // blocks in the file; the last is short, maybe empty
	window     int            // the negotiated windowsize: blocks the client takes before it ACKs
	flight     int            // the most packets the socket send buffer holds (flightLimit); 0: no limit
	oack       bool           // an OACK answers the request (block 0)
	rto        time.Duration  // the first retransmission timeout
	fixedRTO   bool           // the client chose it (timeout option): no backoff
	verified   bool           // the peer has acknowledged its first block or the OACK
	maxRetries int            // resends of one window before giving up
	deadline   time.Time      // the whole transfer's limit (TransferTimeout)
	stats      *Stats

	acked   int64         // last block acknowledged; -1 while the OACK is unanswered
	end     int64         // last block of the window in flight
	high    int64         // last block sent so far: an ACK up to it is not from the future
	cwnd    int           // blocks the next window may hold (window.go)
	full    bool          // the window in flight holds all the blocks the policy allowed
	sentAt  time.Time     // when the window in flight went
	srtt    time.Duration // smoothed time from a window's send to its ACK; 0: none measured
	tail    time.Time     // when the window's tail probe is due; zero: none pending
	tailN   int           // tail probes sent for the window in flight
	probed  bool          // the window in flight was sent again, in part or whole: no RTT sample
	cur     time.Duration // retransmission timeout now, after backoff
	retries int           // resends of the window in flight
	resent  bool          // some window went again: the peer may answer it late
	wait    time.Time     // when the window in flight times out
}

// action is what a driver does after an event: send what send says, arm
// its timer for wake, and end the transfer when done.
type action struct {
	send        sendKind
	first, last int64          // sendBlocks: blocks first..last; block 0 is the OACK
	probe       int64          // sendBlocks: a block sent once more after last, asking for an ACK; 0: none
	code        tftp.ErrorCode // sendError, sendStranger
	msg         string         // sendError, sendStranger
	to          netip.AddrPort // sendStranger: the packet's source
	wake        time.Time      // when onTimeout is due, while not done
	done        bool
	outcome     Outcome // when done: OutcomeCompleted or OutcomeAborted
	err         error   // when aborted: why
}

// sendKind says what an action sends.
type sendKind uint8

// What an action sends.
const (
	sendNothing  sendKind = iota
	sendBlocks            // DATA blocks first..last to the peer, or the OACK
	sendError             // an ERROR to the peer
	sendStranger          // an ERROR 5 to a source that is not the peer
)

// start begins the transfer at now: it sends the OACK, or the first window.
func (m *machine) start(now time.Time) action {
	m.cur, m.acked, m.retries, m.verified = m.rto, 0, 0, false
	if m.oack {
		m.acked = -1
	}
	m.high, m.cwnd = m.acked, m.ceiling()
	return m.sendWindow(now)
}

// onPacket takes a packet that arrived from from at now. RFC 1350 section
// 4: "If a source TID does not match, the packet should be discarded as
// erroneously sent from somewhere else. An error packet should be sent to
// the source of the incorrect packet, while not disturbing the transfer."
// From the peer, an ACK may move the window and an ERROR ends the
// transfer; anything else is ignored.
func (m *machine) onPacket(p []byte, from netip.AddrPort, now time.Time) action {
	if !samePeer(from, m.peer) {
		m.stats.UnknownTID.Add(1)
		return action{send: sendStranger, code: tftp.ErrUnknownTID, msg: unknownTIDMessage, to: from, wake: m.wake()}
	}
	switch op, _ := tftp.PeekOpcode(p); op {
	case tftp.OpACK:
		if blk, err := tftp.ParseAck(p); err == nil {
			return m.onAck(blk, now)
		}
	case tftp.OpERROR:
		return m.abort(errPeer)
	}
	return m.idle()
}

// onAck takes the ACK of block blk: the transfer is complete, or the next
// window goes out, or nothing changes.
func (m *machine) onAck(blk uint16, now time.Time) action {
	if !m.ack(blk, now) {
		return m.idle()
	}
	if m.acked >= m.total {
		return action{done: true, outcome: OutcomeCompleted}
	}
	m.adapt()
	return m.sendWindow(now)
}

// ack takes the ACK of block blk and reports whether it moved the window:
// duplicate, stale and future ACKs are ignored. Block numbers wrap past
// 65535; blk is read relative to the last block acknowledged. An ACK may
// come for a block past the window in flight when an earlier, longer
// window had sent it (a timeout shrank the window since).
func (m *machine) ack(blk uint16, now time.Time) bool {
	diff := int64(blk - uint16(m.acked)) // blocks newly acknowledged, mod 2^16
	if diff == 0 || diff > m.high-m.acked {
		return false
	}
	if m.retries == 0 && !m.probed {
		m.sample(now)
	}
	m.acked += diff
	m.cur, m.retries, m.verified = m.rto, 0, true
	m.stats.SegmentsAcked.Add(uint64(diff))
	return true
}

// onTimeout handles the wake-up at now: before the window's time is up
// nothing happens; after it the window goes again with the timeout
// doubled, unless the retries have run out or the transfer's own time
// limit is reached.
func (m *machine) onTimeout(now time.Time) action {
	if now.Before(m.wait) {
		if m.tail.IsZero() || now.Before(m.tail) {
			return m.idle()
		}
		return m.sendTail(now)
	}
	if !now.Before(m.deadline) {
		a := m.abort(errTransferTimeout)
		a.send, a.code, a.msg = sendError, tftp.ErrUndefined, timedOutMessage
		return a
	}
	limit := m.maxRetries
	if !m.verified {
		limit = min(limit, unverifiedResends)
	}
	if m.retries++; m.retries > limit {
		return m.abort(fmt.Errorf("%w: no acknowledgment of block %d", errRetries, m.acked+1))
	}
	if !m.fixedRTO {
		m.cur = min(m.cur*2, m.rto*maxBackoff)
	}
	m.shrink()
	m.resent = true
	m.stats.Retransmits.Add(1)
	return m.sendWindow(now)
}

// onRequestAgain handles the client's read request arriving again from
// its port while the transfer has heard nothing from it (duplicates.go):
// the client got nothing, so what it was sent goes again now, and an
// unverified peer's allowance starts afresh — one packet for the request
// and one resend, as for a new request. Once the peer is verified it
// changes nothing.
func (m *machine) onRequestAgain(now time.Time) action {
	if m.verified || !now.Before(m.deadline) {
		return m.idle()
	}
	m.retries, m.resent = 0, true
	m.stats.Retransmits.Add(1)
	return m.sendWindow(now)
}

// onShutdown ends the transfer because the server is shutting down; the
// client is told.
func (m *machine) onShutdown() action {
	a := m.abort(errShutdown)
	a.send, a.code, a.msg = sendError, tftp.ErrUndefined, shutdownMessage
	return a
}

// sendWindow sends the window after the last acknowledged block (or the
// OACK alone while it is unanswered), with its probe when it is shorter
// than the negotiated window (window.go), and times it out at now plus the
// retransmission timeout. The window's time is set here only: packets that
// change nothing (a client re-sending its last ACK) must not push it back,
// or the window would never be sent again.
func (m *machine) sendWindow(now time.Time) action {
	blocks, probe := m.windowBlocks()
	m.end = min(m.acked+int64(blocks), m.total)
	m.full = m.end-m.acked == int64(blocks)
	var p int64
	switch {
	case m.acked < 0:
		m.end = 0
	case probe && m.end < m.total:
		p = m.probeBlock()
	}
	m.high = max(m.high, m.end)
	wait := m.cur
	switch {
	case !m.verified && m.retries == 0:
		wait = min(wait, unverifiedWait)
	case !m.verified:
		wait = unverifiedWait // the last chance
	}
	m.wait = minTime(now.Add(wait), m.deadline)
	m.sentAt, m.probed, m.tailN, m.tail = now, false, 0, m.tailDue(now)
	return action{send: sendBlocks, first: m.acked + 1, last: m.end, probe: p, wake: m.wake()}
}

// idle is the action of an event that changes nothing.
func (m *machine) idle() action { return action{wake: m.wake()} }

// wake is when the machine is next due to act: the window's tail probe,
// or its timeout.
func (m *machine) wake() time.Time {
	if !m.tail.IsZero() && m.tail.Before(m.wait) {
		return m.tail
	}
	return m.wait
}

// abort is the action that ends the transfer for err, sending nothing.
func (m *machine) abort(err error) action {
	return action{done: true, outcome: OutcomeAborted, err: err}
}

// samePeer reports whether a packet's source a is the transfer's peer b:
// the same address, IPv4-mapped IPv6 or not, and the same port.
func samePeer(a, b netip.AddrPort) bool {
	return a.Port() == b.Port() && a.Addr().Unmap() == b.Addr().Unmap()
}

// minTime returns the earlier of a and b.
func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
