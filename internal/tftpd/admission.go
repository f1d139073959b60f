package tftpd

import (
	"net/netip"
	"time"
)

// A request is admitted when it gets a serving slot: from the Slots the
// Server was given (shared with HTTP), or from its own of MaxServingCount.
//
// The accept path must not outrun the event loop. A transfer's slot comes
// back when the loop reads its last ACK, but the client is done once it
// has sent that ACK: a client that at once sends a new request (a phone
// fetching its next file, a load generator) can find the slots held by
// transfers it has finished, and a loop kept from its processor a few
// milliseconds (a loaded machine) lets such transfers pile up to the
// limit — "busy, retry later" below the limit.
//
// So a request that finds no slot free first lets the loop catch up, and
// only then is the client told to retry later:
//   - read by the loop itself, it drains the transfers' sockets there and
//     then (drain);
//   - read by Serve's read loop, it asks the loop for a round that polls
//     after the request was read, and waits for it (catchUp).
//
// A client's ACK sent before its new request is thus read before the
// request is refused, and a loop that falls behind slows the accept path
// to its own pace instead of turning clients away. For this the loop
// sends even a transfer's first window itself (a client cannot finish a
// transfer the loop has not taken in), counts a transfer off only once it
// has given its slot back, and reads its transfers' packets before the
// listeners' requests in a round.
//
// Transfers on goroutines of their own each read their last ACK on their
// own goroutine, which the runtime schedules beside the read loop's; they
// do not fall behind as a group, and are not waited for.

// admit takes a serving slot for a request from src, or reports false when
// none is free, or src holds its share (source.Slots), even once the event
// loop has caught up. onLoop says the request was read by the event loop,
// on its own goroutine.
func (s *Server) admit(onLoop bool, src netip.Addr) bool {
	if s.slots.AcquireFrom(src) {
		return true
	}
	return s.letLoopCatchUp(onLoop) && s.slots.AcquireFrom(src)
}

// letLoopCatchUp has the event loop read what its transfers were sent
// before now, and reports false when there is no loop to wait for.
func (s *Server) letLoopCatchUp(onLoop bool) bool {
	loop := s.startLoop()
	if loop == nil {
		return false
	}
	if onLoop {
		loop.drain(time.Now())
	} else {
		loop.catchUp()
	}
	return true
}
