package tftpd

import "time"

// The sender's window policy. RFC 7440 section 4 fixes what the receiver
// does with a window and leaves to the sender how much of it to send: a
// window of 64 large blocks that overruns the client's receive buffer is
// lost from the first dropped block on, and when the whole tail is lost
// nothing but a timeout sends it again. So the machine sends a window of
// its own, cwnd blocks, never more than the negotiated windowsize:
//
//   - a timeout, or a gap (an ACK of a block before the end of the window
//     in flight: the client acknowledges the last block it received in
//     order when one is missing), halves it, down to one block;
//   - each window acknowledged whole (the ACK of its last block) grows it
//     by one block, back up to the negotiated windowsize;
//   - it never puts more packets in flight than the transfer's socket send
//     buffer holds (flight).
//
// A receiver acknowledges after windowsize blocks, the last block, or a
// gap. A window shorter than the negotiated one ends on none of these, so
// it ends with a probe: the last block acknowledged sent again (block 1 in
// the first window). The client holds it already, takes it for a
// duplicate and acknowledges the last block it holds in order: the
// window's last when it has them all, else the block before the first it
// lost, a gap. Either way the ACK comes at once instead of after the
// client's timeout, and the probe never fills a hole silently (the
// window's own blocks would, when the client lost the window's last two).
//
//	client                                           server
//	-------------------------------------------------------
//	|4|8|  -->                                              ACK
//	                       <--  |3|9|  blksize octets |   DATA  cwnd 2 of 8
//	                       <--  |3|10| blksize octets |   DATA
//	                       <--  |3|8|  blksize octets |   DATA  (probe)
//	|4|10|  -->                                             ACK
//
// A receive buffer that overflows drops a window's tail, probe and all,
// and then nothing tells the client to answer before its timeout. So a
// window also has a tail probe (after RACK-TLP, RFC 8985): when no ACK has
// come twice the measured time from a window's send to its ACK after it
// went (at least minTailProbe), the probe block goes once more, and again
// after twice that wait, up to maxTailProbes. A client
// that lost the tail answers it with a gap; one that was only slow, with
// the ACK it owed. A window's time to its ACK is measured on windows that
// were not sent again, the OACK's ACK included; lockstep transfers have no
// tail probe.

// packetOverhead is what a DATA block costs in a socket buffer beyond its
// payload: the TFTP, UDP and IPv6 headers.
const packetOverhead = 4 + 8 + 40

// flightLimit is how many DATA packets of blksize bytes fit in a socket
// send buffer of sndbuf bytes (at least one); 0 when sndbuf is unknown.
func flightLimit(sndbuf, blksize int) int {
	if sndbuf <= 0 {
		return 0
	}
	return max(sndbuf/(blksize+packetOverhead), 1)
}

// windowBlocks is how many blocks the next window holds, before the end of
// the file cuts it, and whether it must end with a probe (it is shorter
// than the negotiated window). The probe counts against flight.
func (m *machine) windowBlocks() (blocks int, probe bool) {
	w := m.cwnd
	if m.flight > 0 {
		w = min(w, m.flight)
	}
	if w >= m.window {
		return m.window, false
	}
	if m.flight > 0 && w >= m.flight {
		w = max(m.flight-1, 1)
	}
	return max(w, 1), true
}

// probeBlock is the block a window ends with when it needs a probe, and
// its tail probe: the last block acknowledged, or block 1 before any.
func (m *machine) probeBlock() int64 { return max(m.acked, 1) }

// shrink halves the window after a loss, down to one block.
func (m *machine) shrink() { m.cwnd = max(m.cwnd/2, 1) }

// grow widens the window by one block after a window acknowledged whole,
// up to the ceiling.
func (m *machine) grow() { m.cwnd = min(m.cwnd+1, m.ceiling()) }

// ceiling is the widest window: the negotiated windowsize, or what the
// send buffer holds when that is less.
func (m *machine) ceiling() int {
	if m.flight > 0 {
		return min(m.window, m.flight)
	}
	return m.window
}

// adapt moves the window after an ACK that acknowledged new blocks: up
// when it acknowledged the whole window in flight, down when it
// acknowledged less of it (a gap). An ACK past the window in flight (a
// window sent before a timeout shrank it) leaves it alone, and so does the
// whole window's ACK that took a tail probe to come: the window's own
// probe was lost, its last packet, so the window filled what the client
// takes.
func (m *machine) adapt() {
	switch {
	case m.acked < m.end:
		m.shrink()
	case m.acked == m.end && m.full && !m.probed:
		m.grow()
	}
}

// minTailProbe is the least time from a window's send to its tail probe.
const minTailProbe = time.Millisecond

// maxTailProbes is how many tail probes a window gets, each after twice
// the wait of the one before: the first may come while the client is still
// reading a long window, its buffer full, and be lost too.
const maxTailProbes = 3

// tailDue is when the first tail probe of a window sent at now is due:
// zero in lockstep, before a time to an ACK was measured, for a window
// sent again after a timeout (the timeout's backoff paces those), and when
// it would come less than half the retransmission timeout before the
// timeout.
func (m *machine) tailDue(now time.Time) time.Time {
	if m.window == 1 || m.srtt == 0 || m.acked < 0 || m.retries > 0 || m.pto() > m.cur/2 {
		return time.Time{}
	}
	return now.Add(m.pto())
}

// pto is the wait for a window's first tail probe.
func (m *machine) pto() time.Duration { return max(2*m.srtt, minTailProbe) }

// sendTail sends a tail probe of the window in flight at now, and has the
// next one wait twice as long, unless the window's timeout or
// maxTailProbes comes first; the window's timeout stays.
func (m *machine) sendTail(now time.Time) action {
	m.tailN++
	m.tail, m.probed = time.Time{}, true
	if next := now.Add(m.pto() << m.tailN); m.tailN < maxTailProbes && next.Before(m.wait) {
		m.tail = next
	}
	b := m.probeBlock()
	return action{send: sendBlocks, first: b, last: b, wake: m.wake()}
}

// sample takes the time from the window's send to its ACK at now into the
// smoothed time (RFC 6298's gain of 1/8).
func (m *machine) sample(now time.Time) {
	d := max(now.Sub(m.sentAt), 1)
	if m.srtt == 0 {
		m.srtt = d
		return
	}
	m.srtt += (d - m.srtt) / 8
}
