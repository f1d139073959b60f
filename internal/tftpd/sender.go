package tftpd

import (
	"errors"
	"net/netip"
	"syscall"
)

// sender moves a transfer's packets out of its socket: each driver has one
// (connSender on the goroutine driver, rawSender on the event loop).
type sender interface {
	// send sends one packet to the peer.
	send(p []byte) error
	// sendWindow sends the k DATA packets that lie back to back in b, each
	// stride bytes long but the last, which ends b.
	sendWindow(b []byte, stride, k int) error
	// sendTo sends p to an address that is not the peer's.
	sendTo(p []byte, to netip.AddrPort) error
}

// sendFailed decides whether a send error ends the transfer. Errors that
// mean "this packet did not leave" (a full socket buffer, a local firewall
// dropping it with EPERM, a host or network unreachable reported for an
// earlier packet) are treated as a lost packet: the retransmission timeout
// sends it again. A port unreachable (ECONNREFUSED) says the client's port
// is closed: the transfer ends (sockopt_linux.go).
//
// In a window such an error costs the one packet (or GSO send) it was for,
// and the rest of the window still goes: with IP_RECVERR on, Linux returns
// ENOBUFS for a datagram the device queue dropped (loopback's backlog at
// full speed) where it would otherwise drop it silently and go on, and
// giving up the window's tail there left a fast transfer waiting a
// retransmission timeout for every window that overran the queue.
func sendFailed(err error) error {
	if err == nil || transientSendError(err) {
		return nil
	}
	return err
}

// transientSendError reports whether a UDP send error is one that
// retransmission can get past.
func transientSendError(err error) bool {
	for _, e := range []error{syscall.ENOBUFS, syscall.EAGAIN, syscall.EPERM, syscall.EHOSTUNREACH, syscall.ENETUNREACH} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
