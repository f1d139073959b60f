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
// the same name from the same address and port is a duplicate: it starts
// nothing and is counted in Duplicates, not Requests; but it says the
// client got nothing, so the transfer under way sends its first packet
// again at once, with an unverified peer's allowance afresh (one packet for
// the request, one resend: machine.onRequestAgain). On a lossy link a
// client's repeated requests thus keep the transfer going rather than
// waiting out its first timeout. Once the client
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
	heard bool      // under Server.reqMu
	t     *transfer // once started (attach), under Server.reqMu
}

// claimRequest records that a request for name from peer is being
// served, or returns nil when it is a duplicate of one whose transfer has
// not heard from the client yet, even once the event loop has caught up
// (that transfer is then asked to send again).
// onLoop says the request was read by the event loop, on its own
// goroutine.
func (s *Server) claimRequest(onLoop bool, peer netip.AddrPort, name string) *claim {
	if c := s.tryClaim(peer, name, false); c != nil {
		return c
	}
	s.letLoopCatchUp(onLoop)
	return s.tryClaim(peer, name, true)
}

// tryClaim claims the request unless it is a duplicate; then, with again,
// the transfer under way is asked to send its first packet again.
func (s *Server) tryClaim(peer netip.AddrPort, name string, again bool) *claim {
	k := requestKey{peer, name}
	s.reqMu.Lock()
	if old := s.requests[k]; old != nil && !old.heard {
		t := old.t
		s.reqMu.Unlock()
		if t != nil && again {
			t.requestAgain()
		}
		return nil
	}
	c := &claim{key: k}
	s.requests[k] = c
	s.reqMu.Unlock()
	return c
}

// attach records c's transfer, which a duplicate request asks to send
// again.
func (s *Server) attach(c *claim, t *transfer) {
	if c == nil {
		return
	}
	s.reqMu.Lock()
	c.t = t
	s.reqMu.Unlock()
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
