package tftpd

import "net/netip"

// A client that hears nothing sends its read request again from the same
// port (a phone does, and so does every TFTP client). When the first copy
// was only slow to be answered — a loaded server, a queue of requests — the
// second would start a second transfer of the same file to the same port:
// one of the two is then refused by the client with "unknown transfer ID",
// a slot is spent on it, and the counters show two requests for one.
//
// So while a transfer of a name to a client address and port is in
// progress, a request for the same name from the same address and port is
// a duplicate: it is dropped unanswered (the transfer under way resends its
// first packet on its own timeout) and counted in Duplicates, not Requests.
// A new request from that port for another name is a new request.
//
// A client that has finished a transfer may have its port given again to a
// new socket asking for the same file before the event loop has read the
// old transfer's last ACK (admission.go tells the same race for slots). So
// a request that looks like a duplicate first lets the loop catch up, as
// admit does, and is dropped only if the transfer is still under way.
//
// The table holds one entry per admitted request, so it is bounded by the
// Maximum Serving Count.

// requestKey names a request: who asked (address and port) and for what.
type requestKey struct {
	peer netip.AddrPort
	name string
}

// claimRequest records that a request for name from peer is being served;
// false when one still is once the event loop has caught up. onLoop says
// the request was read by the event loop, on its own goroutine.
func (s *Server) claimRequest(onLoop bool, peer netip.AddrPort, name string) bool {
	if s.tryClaim(peer, name) {
		return true
	}
	return s.letLoopCatchUp(onLoop) && s.tryClaim(peer, name)
}

func (s *Server) tryClaim(peer netip.AddrPort, name string) bool {
	k := requestKey{peer, name}
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	if _, dup := s.requests[k]; dup {
		return false
	}
	s.requests[k] = struct{}{}
	return true
}

// forgetRequest ends what claimRequest recorded.
func (s *Server) forgetRequest(peer netip.AddrPort, name string) {
	s.reqMu.Lock()
	delete(s.requests, requestKey{peer, name})
	s.reqMu.Unlock()
}
