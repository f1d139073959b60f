package tftpd

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"

	"cmtftp/internal/tftp"
)

// The goroutine driver runs a transfer on a goroutine and net.UDPConn of
// its own, waiting in a read with a deadline: windowed transfers, files
// read from disk block by block, link-local addresses with zones, and
// every transfer where there is no event loop.

// batchWriter is ipv4.PacketConn or ipv6.PacketConn: both send a window of
// messages with one sendmmsg.
type batchWriter interface {
	WriteBatch(ms []ipv4.Message, flags int) (int, error)
}

// connSender sends a transfer's packets from its net.UDPConn: a window
// goes out in sends the kernel segments (UDP GSO) or with sendmmsg.
type connSender struct {
	conn    *net.UDPConn
	peer    netip.AddrPort
	batch   batchWriter
	msgs    []ipv4.Message
	gsoSegs int // >1: a window goes out in sends of this many packets, segmented by the kernel
}

var _ sender = (*connSender)(nil)

// openConn opens the transfer's own socket, on the local address the
// request arrived on, for a transfer run on its own goroutine.
func (t *transfer) openConn() error {
	network := "udp4"
	if t.local.Is6() {
		network = "udp6"
	}
	conn, err := net.ListenUDP(network, &net.UDPAddr{IP: t.local.AsSlice(), Zone: t.local.Zone()})
	if err != nil {
		return fmt.Errorf("tftpd: transfer socket: %w", err)
	}
	connRecvErr(conn, t.local.Is6())
	t.cs = connSender{conn: conn, peer: t.m.peer}
	t.snd = &t.cs
	blocks := min(int64(t.m.window), t.m.total)
	if t.m.window > 1 {
		blocks++ // room for a probe (window.go)
	}
	t.buf = make([]byte, int(blocks)*(t.blksize+tftp.HeaderLen))
	if t.m.window > 1 {
		sndbuf := t.cs.prepareWindows(network, len(t.buf), t.blksize+tftp.HeaderLen, int(blocks))
		t.m.flight = flightLimit(sndbuf, t.blksize)
	}
	return nil
}

// prepareWindows readies c for windows of up to blocks packets of stride
// bytes, bufLen in all, and returns the socket's send buffer in bytes as
// the kernel reports it (0 when unknown).
func (c *connSender) prepareWindows(network string, bufLen, stride, blocks int) int {
	// A window of large blocks can exceed the default socket send buffer;
	// a window that does not fit would be cut short (EAGAIN) and cost a
	// retransmission timeout. The kernel caps this at net.core.wmem_max.
	if want := bufLen + blocks*64; want > 256<<10 {
		c.conn.SetWriteBuffer(min(want, 16<<20))
	}
	if network == "udp4" {
		c.batch = ipv4.NewPacketConn(c.conn)
	} else {
		c.batch = ipv6.NewPacketConn(c.conn)
	}
	c.gsoSegs = enableGSO(c.conn, stride, blocks)
	c.msgs = make([]ipv4.Message, blocks)
	to := net.UDPAddrFromAddrPort(c.peer)
	for i := range c.msgs {
		c.msgs[i].Buffers = make([][]byte, 1)
		c.msgs[i].Addr = to
	}
	return sendBuffer(c.conn)
}

func (c *connSender) send(p []byte) error {
	_, err := c.conn.WriteToUDPAddrPort(p, c.peer)
	return err
}

func (c *connSender) sendTo(p []byte, to netip.AddrPort) error {
	_, err := c.conn.WriteToUDPAddrPort(p, to)
	return err
}

func (c *connSender) sendWindow(b []byte, stride, k int) error {
	if c.gsoSegs > 1 {
		// The packets lie back to back in b, all full but maybe the last:
		// the kernel cuts each send into datagrams of one stride.
		for i := 0; i < k; i += c.gsoSegs {
			hi := min((i+c.gsoSegs)*stride, len(b))
			if _, err := c.conn.WriteToUDPAddrPort(b[i*stride:hi], c.peer); err != nil {
				if gsoUnsupported(err) {
					c.gsoSegs = 0 // this path cannot segment: batches from now on
					return c.sendBatch(b, stride, i, k)
				}
				if !transientSendError(err) {
					return err
				}
			}
		}
		return nil
	}
	return c.sendBatch(b, stride, 0, k)
}

// sendBatch sends packets [from, k) of the window in b with sendmmsg.
func (c *connSender) sendBatch(b []byte, stride, from, k int) error {
	for i := from; i < k; i++ {
		c.msgs[i].Buffers[0] = b[i*stride : min((i+1)*stride, len(b))]
	}
	for sent := from; sent < k; {
		n, err := c.batch.WriteBatch(c.msgs[sent:k], 0)
		if err != nil {
			if !transientSendError(err) {
				return err
			}
			n = 1 // that packet is lost (sender.go); the rest still go
		}
		sent += n
	}
	return nil
}

// run drives the transfer on its own goroutine until it ends and returns
// how it ended. The socket's read deadline is the machine's wake time,
// moved only when that changes.
func (t *transfer) run() (Outcome, error) {
	a := t.m.start(time.Now())
	var armed time.Time
	for {
		if done, outcome, err := t.do(a); done {
			return outcome, err
		}
		if !a.wake.Equal(armed) {
			if err := t.cs.conn.SetReadDeadline(a.wake); err != nil {
				return OutcomeAborted, err
			}
			armed = a.wake
		}
		var err error
		var woken bool
		if a, woken, err = t.next(); err != nil {
			return OutcomeAborted, err
		}
		if woken {
			armed = time.Time{} // wake may have moved the deadline: set it again
		}
	}
}

// next waits for the next event on the transfer's socket (a packet, the
// deadline, an abort, a request sent again) and hands it to the machine;
// woken says the deadline may have been moved by wake.
func (t *transfer) next() (a action, woken bool, err error) {
	if t.closed.Load() {
		return t.m.onShutdown(), true, nil
	}
	if t.again.Swap(false) {
		return t.m.onRequestAgain(time.Now()), true, nil
	}
	n, from, err := t.cs.conn.ReadFromUDPAddrPort(t.pbuf[:])
	switch {
	case err == nil:
		return t.m.onPacket(t.pbuf[:n], from, time.Now()), false, nil
	case t.closed.Load():
		return t.m.onShutdown(), true, nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		return t.m.onTimeout(time.Now()), true, nil
	}
	return action{}, false, err
}

// wakeConn makes the transfer's wait on its socket end at once; the
// transfer then sees why (aborted, asked again). A deadline set by the transfer
// after the abort flag was raised cannot hide it: next looks at the flag
// before each read.
func (t *transfer) wakeConn() { t.cs.conn.SetReadDeadline(time.Now()) }
