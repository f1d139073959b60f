package tftpclient

import (
	"io"
	"net/netip"
	"time"
)

// Exchange is one read request whose packets the caller carries: an event
// loop driving many transfers from bare sockets (the load generator). It is
// the same state machine Get drives over a net.UDPConn.
type Exchange struct {
	g     get
	start time.Time
}

// NewExchange prepares a read of name from server into w. Every packet the
// transfer sends goes through send, which may drop it (a lost packet is
// sent again on a timeout).
func (c *Client) NewExchange(server netip.AddrPort, name string, w io.Writer, send func(p []byte, to netip.AddrPort)) *Exchange {
	x := &Exchange{}
	x.g.init(c, server, name, w)
	x.g.send = send
	return x
}

// Start sends the request.
func (x *Exchange) Start() {
	x.start = time.Now()
	x.g.send(x.g.last, x.g.server)
}

// Receive takes a packet that arrived from from. done means the file is
// complete; an error ends the transfer.
func (x *Exchange) Receive(p []byte, from netip.AddrPort) (done bool, err error) {
	return x.g.receive(p, from)
}

// Expired tells the transfer that Timeout passed with nothing received: it
// sends its last packet again, or returns ErrTimeout when the retries are
// spent.
func (x *Exchange) Expired() error { return x.g.expired() }

// Timeout is how long to wait for a packet before calling Expired.
func (x *Exchange) Timeout() time.Duration { return x.g.timeout }

// Result describes the transfer so far.
func (x *Exchange) Result() Result {
	return Result{Bytes: x.g.bytes, Options: x.g.acked, Duration: time.Since(x.start), Server: x.g.peer}
}
