package tftpd

import "net/netip"

// A client that hears nothing sends its read request again from the same
// port (a phone does, and so does every TFTP client). When the first copy
// was only slow to be answered — a loaded server, a queue of requests — the
// second would start a second transfer of the same file to the same port:
// one of the two is then refused by the client with "unknown transfer ID",
// a slot is spent on it, and the counters show two requests for one.
//
// So while a transfer of a name to a client address and port has not yet
// heard from the client (no ACK of its first block or OACK), a request for
// the same name from the same address and port is a duplicate: it is
// dropped unanswered (the transfer under way resends its first packet on
// its own timeout) and counted in Duplicates, not Requests. Once the client
// has acknowledged something, a new request from that port is the client
// starting again (or a new socket given the port of one that finished):
// it is served, and the old transfer runs out on its own. A request for
// another name is always a new request.
//
// A client that has finished a transfer may send its next request from the
// same port at once, before the event loop has read its last ACK
// (admission.go tells the same race for slots). So a request that looks
// like a duplicate first lets the loop catch up, as admit does, and is
// dropped only if the transfer has still heard nothing.
//
// The table holds one entry per admitted request, so it is bounded by the
// Maximum Serving Count.

// requestKey names a request: who asked (address and port) and for what.
type requestKey struct {
	peer netip.AddrPort
	name string
}

// claim is one admitted request's entry in the table; heard is set once
// its transfer has heard from the client.
type claim struct {
	key   requestKey
	heard bool // under Server.reqMu
}

// claimRequest records that a request for name from peer is being
// served, or returns nil when it is a duplicate of one whose transfer has
// not heard from the client yet, even once the event loop has caught up.
// onLoop says the request was read by the event loop, on its own
// goroutine.
func (s *Server) claimRequest(onLoop bool, peer netip.AddrPort, name string) *claim {
	if c := s.tryClaim(peer, name); c != nil {
		return c
	}
	if !s.letLoopCatchUp(onLoop) {
		return nil
	}
	return s.tryClaim(peer, name)
}

func (s *Server) tryClaim(peer netip.AddrPort, name string) *claim {
	k := requestKey{peer, name}
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	if old := s.requests[k]; old != nil && !old.heard {
		return nil
	}
	c := &claim{key: k}
	s.requests[k] = c
	return c
}

// heard marks c's transfer as having heard from its client.
func (s *Server) heard(c *claim) {
	if c == nil {
		return
	}
	s.reqMu.Lock()
	c.heard = true
	s.reqMu.Unlock()
}

// forgetRequest ends what claimRequest recorded, unless a newer request
// from the same port has taken the entry since.
func (s *Server) forgetRequest(c *claim) {
	if c == nil {
		return
	}
	s.reqMu.Lock()
	if s.requests[c.key] == c {
		delete(s.requests, c.key)
	}
	s.reqMu.Unlock()
}
