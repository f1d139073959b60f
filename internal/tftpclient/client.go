// Package tftpclient is a TFTP read client: RFC 1350 with blksize, tsize,
// timeout and windowsize options. cmtftp's tests, load generator and device
// emulator use it, and admins use it through "cmtftp get".
package tftpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"cmtftp/internal/tftp"
)

// Defaults for Client's zero fields.
const (
	DefaultTimeout = time.Second
	DefaultRetries = 5
)

// RemoteError is an ERROR packet the server sent.
type RemoteError struct {
	Code    tftp.ErrorCode
	Message string
}

func (e *RemoteError) Error() string {
	return fmt.Sprintf("tftp: server error %d: %s", e.Code, e.Message)
}

// ErrSend means the request never left: the client's socket could not be
// opened or bound (a LocalAddr not on this host) or the request could not
// be sent (no route). The server heard nothing.
var ErrSend = errors.New("tftp: the request could not be sent")

// ErrTimeout means the server stopped answering and the retries ran out.
var ErrTimeout = errors.New("tftp: timed out waiting for the server")

// Client fetches files. The zero value asks for no options and uses octet
// mode; a Client may be used by several goroutines at once.
type Client struct {
	// BlockSize, when set, is asked for with the blksize option.
	BlockSize int
	// WindowSize, when set, is asked for with the windowsize option.
	WindowSize int
	// TSize asks the server for the file's size.
	TSize bool
	// TimeoutOption, when set, asks the server to retransmit after this many
	// seconds (the timeout option).
	TimeoutOption int
	// Netascii asks for netascii mode and decodes it to local text.
	Netascii bool
	// Timeout is how long to wait before sending the request or last ACK
	// again. Default 1 s.
	Timeout time.Duration
	// Retries is how many times to send again before giving up. Default 5.
	Retries int
	// Dally, when set, is how long to stay after the last block to answer a
	// resent final DATA, so the server learns the transfer completed even if
	// the final ACK was lost.
	Dally time.Duration
	// LocalAddr, when valid, is the address requests leave from (a
	// device's leased address); by default the system picks one.
	LocalAddr netip.Addr
	// ReceiveBuffer, when set, is the socket receive buffer Get asks for,
	// in bytes (an Exchange's caller sizes its own socket) (SO_RCVBUF: the kernel caps it at net.core.rmem_max and
	// doubles it for its own overhead). By default a windowed transfer asks
	// for one that holds its whole window.
	ReceiveBuffer int
}

// Result describes a completed transfer.
type Result struct {
	Bytes    int64         // bytes written to w
	Options  tftp.Options  // what the server acknowledged (empty without OACK)
	Duration time.Duration // from request to last ACK
	Server   netip.AddrPort
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, tftp.HeaderLen+tftp.MaxBlockSize+1); return &b }}

// Get fetches name from server and writes it to w. The server is
// "host:port", or a host alone ("192.0.2.1", "::1", "[::1]", a name) for
// port 69.
func (c *Client) Get(ctx context.Context, server, name string, w io.Writer) (Result, error) {
	addr, err := resolve(ctx, server)
	if err != nil {
		return Result{}, err
	}
	network := "udp4"
	if addr.Addr().Is6() {
		network = "udp6"
	}
	var local *net.UDPAddr
	if c.LocalAddr.IsValid() {
		local = net.UDPAddrFromAddrPort(netip.AddrPortFrom(c.LocalAddr, 0))
	}
	conn, err := net.ListenUDP(network, local)
	if err != nil {
		return Result{}, fmt.Errorf("%w: client socket: %w", ErrSend, err)
	}
	defer conn.Close()
	if c.ReceiveBuffer > 0 {
		conn.SetReadBuffer(c.ReceiveBuffer)
	}
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() { conn.SetReadDeadline(time.Unix(1, 0)) })
		defer stop()
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	g := &get{conn: conn, buf: *bp}
	g.init(c, addr, name, w)
	g.send = g.sendConn
	start := time.Now()
	err = g.run(ctx)
	if err != nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return Result{Bytes: g.bytes, Options: g.acked, Duration: time.Since(start), Server: g.peer}, err
}

// Resolve turns "host:port", or a host alone for port 69, into an address.
func Resolve(ctx context.Context, server string) (netip.AddrPort, error) {
	return resolve(ctx, server)
}

func resolve(ctx context.Context, server string) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(server); err == nil {
		// [::ffff:a.b.c.d] is a.b.c.d: the answer comes from the unmapped
		// address, and must be taken for the server's.
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), nil
	}
	host, port, err := net.SplitHostPort(server)
	if err != nil { // no port: TFTP's own, 69; "[::1]" is a bracketed IPv6 host
		host, port = strings.TrimSuffix(strings.TrimPrefix(server, "["), "]"), "69"
	}
	ua, err := (&net.Resolver{}).LookupNetIP(ctx, "ip", host)
	if err != nil || len(ua) == 0 {
		return netip.AddrPort{}, fmt.Errorf("tftp: resolve %q: %v", host, err)
	}
	ap, err := netip.ParseAddrPort(net.JoinHostPort(ua[0].Unmap().String(), port))
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("tftp: server %q: %w", server, err)
	}
	return ap, nil
}

// get is the state of one transfer. It sends through send and is fed the
// packets that arrive (receive) and the timeouts (expired): run drives it
// over a net.UDPConn, an Exchange from the caller's own loop.
type get struct {
	c       *Client
	conn    *net.UDPConn // Get's socket; nil for an Exchange
	send    func(p []byte, to netip.AddrPort)
	server  netip.AddrPort // where the request goes
	peer    netip.AddrPort // the server's TID, once it answered
	w       io.Writer
	buf     []byte
	out     []byte // netascii decode buffer
	dec     tftp.NetasciiDecoder
	blksize int
	window  int
	next    int64 // the block expected next
	inWin   int   // blocks received in order since the last ACK
	gapAck  bool  // whether the gap at next was already answered
	bytes   int64
	acked   tftp.Options
	last    []byte // the last packet sent, to send again on timeout
	sendBuf [tftp.HeaderLen]byte
	asked   tftp.Options
	timeout time.Duration
	tries   int // resends since the last progress
	retries int
}

// init prepares a transfer of name from server into w; the request is in
// g.last.
func (g *get) init(c *Client, server netip.AddrPort, name string, w io.Writer) {
	g.c, g.server, g.w = c, server, w
	g.blksize, g.window, g.next = tftp.DefaultBlockSize, 1, 1
	mode := tftp.ModeOctet
	if c.Netascii {
		mode = tftp.ModeNetascii
	}
	g.asked = tftp.Options{BlockSize: c.BlockSize, WindowSize: c.WindowSize, HasTSize: c.TSize, Timeout: c.TimeoutOption}
	g.last = tftp.AppendRequest(nil, tftp.OpRRQ, name, mode, g.asked)
	g.timeout = c.Timeout
	if g.timeout <= 0 {
		g.timeout = DefaultTimeout
	}
	g.retries = c.Retries
	if g.retries <= 0 {
		g.retries = DefaultRetries
	}
}

// sendConn sends on Get's socket. A send that fails (a firewall drop, a
// full buffer) is a lost packet: the timeout sends it again.
func (g *get) sendConn(p []byte, to netip.AddrPort) { g.conn.WriteToUDPAddrPort(p, to) }

// receive takes one packet from from and reports whether the transfer is
// complete or failed. The first answer from the server's address fixes the
// server's TID; packets from any other port get ERROR 5.
func (g *get) receive(p []byte, from netip.AddrPort) (done bool, err error) {
	from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
	if !g.peer.IsValid() {
		if from.Addr() != g.server.Addr() {
			return false, nil
		}
		g.peer = from
	} else if from != g.peer {
		var eb [32]byte
		g.send(tftp.AppendError(eb[:0], tftp.ErrUnknownTID, "Unknown transfer ID"), from)
		return false, nil
	}
	done, progressed, err := g.handle(p, g.asked)
	if progressed {
		g.tries = 0
	}
	return done, err
}

// expired handles a timeout with nothing received: the last packet goes
// again, until the retries run out. In a window that stopped short of its
// end (a sender that sent less than the window, its probe lost), the ACK
// of the last block received in order goes instead: the sender restarts
// after it rather than sending again what arrived.
func (g *get) expired() error {
	if g.tries++; g.tries > g.retries {
		return fmt.Errorf("%w (after block %d, %d bytes)", ErrTimeout, g.next-1, g.bytes)
	}
	if g.inWin > 0 {
		return g.ack(uint16(g.next - 1))
	}
	to := g.server
	if g.peer.IsValid() {
		to = g.peer
	}
	g.send(g.last, to)
	return nil
}

func (g *get) run(ctx context.Context) error {
	if _, err := g.conn.WriteToUDPAddrPort(g.last, g.server); err != nil {
		return fmt.Errorf("%w: %w", ErrSend, err)
	}
	timeout := g.timeout
	// due is when to send again if nothing arrives; any packet moves it.
	// The socket's deadline is moved only when it lags due by more than
	// an eighth of the timeout (a deadline costs a timer update), and one
	// that fires early is moved on to due.
	due := time.Now().Add(timeout)
	var armed time.Time
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if due.Sub(armed) > timeout/8 {
			g.conn.SetReadDeadline(due)
			armed = due
		}
		n, from, err := g.conn.ReadFromUDPAddrPort(g.buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			if err := ctx.Err(); err != nil {
				return err
			}
			if time.Now().Before(due) {
				g.conn.SetReadDeadline(due)
				armed = due
				continue
			}
			due = time.Now().Add(timeout)
			if err := g.expired(); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		due = time.Now().Add(timeout)
		done, err := g.receive(g.buf[:n], from)
		if err != nil || done {
			if done && g.c.Dally > 0 {
				g.dally(g.c.Dally)
			}
			return err
		}
	}
}

// handle processes one packet from the server.
func (g *get) handle(p []byte, asked tftp.Options) (done, progressed bool, err error) {
	op, _ := tftp.PeekOpcode(p)
	switch op {
	case tftp.OpERROR:
		code, msg, _ := tftp.ParseError(p)
		return false, false, &RemoteError{Code: code, Message: msg}
	case tftp.OpOACK:
		return g.handleOACK(p, asked)
	case tftp.OpDATA:
		return g.handleData(p)
	}
	return false, false, nil
}

// handleOACK takes the server's option acknowledgment and answers ACK 0.
func (g *get) handleOACK(p []byte, asked tftp.Options) (done, progressed bool, err error) {
	if g.next != 1 || g.inWin != 0 || g.bytes != 0 {
		return false, false, nil // a resent OACK after ACK 0: answer again below
	}
	o, err := tftp.ParseOACK(p)
	if err != nil || !acceptable(o, asked) {
		g.sendErr(tftp.ErrOptionRefused, "bad option acknowledgment")
		return false, false, fmt.Errorf("tftp: server acknowledged options not asked for: %q", p)
	}
	g.acked = o
	if o.BlockSize > 0 {
		g.blksize = o.BlockSize
	}
	if o.WindowSize > 0 {
		g.window = o.WindowSize
	}
	g.sizeReceiveBuffer()
	return false, true, g.ack(0)
}

// handleData writes the expected block, ACKs at the end of each window and
// the file, and answers a gap or a duplicate with the last block received
// in order, at once: RFC 7440 section 4 has the receiver acknowledge the
// last block it holds in order, and the sender restart the window after
// it. A gap is answered once (the blocks after it are lost too); a
// duplicate every time (the sender sends one, a probe, when it wants an
// ACK before the window's end: tftpd's window.go).
func (g *get) handleData(p []byte) (done, progressed bool, err error) {
	blk, payload, err := tftp.ParseData(p)
	if err != nil {
		return false, false, nil
	}
	if blk != uint16(g.next) {
		behind := uint16(g.next) - blk // 1 means the block before the expected one
		if behind != 0 && behind < 0x8000 || !g.gapAck {
			g.gapAck = true
			return false, false, g.ack(uint16(g.next - 1))
		}
		return false, false, nil
	}
	if len(payload) > g.blksize {
		g.sendErr(tftp.ErrIllegalOp, "block too large")
		return false, false, fmt.Errorf("tftp: block %d of %d bytes exceeds blksize %d", blk, len(payload), g.blksize)
	}
	if err := g.write(payload); err != nil {
		g.sendErr(tftp.ErrDiskFull, "write failed")
		return false, false, err
	}
	g.next++
	g.inWin++
	g.gapAck = false
	last := len(payload) < g.blksize
	if last || g.inWin >= g.window {
		g.inWin = 0
		if err := g.ack(blk); err != nil {
			return false, true, err
		}
	}
	if last && g.c.Netascii {
		if _, err := g.w.Write(g.dec.Flush(g.out[:0])); err != nil {
			return true, true, err
		}
	}
	return last, true, nil
}

func (g *get) write(p []byte) error {
	if g.c.Netascii {
		g.out = g.dec.Append(g.out[:0], p)
		p = g.out
	}
	n, err := g.w.Write(p)
	g.bytes += int64(n)
	return err
}

// ack acknowledges blocks up to blk. Every ACK starts a window: the sender
// sends the next one from the block after blk, and the next ACK is due
// after that window's blocks.
func (g *get) ack(blk uint16) error {
	g.inWin = 0
	g.last = tftp.AppendAck(g.sendBuf[:0], blk)
	g.send(g.last, g.peer)
	return nil
}

func (g *get) sendErr(code tftp.ErrorCode, msg string) {
	g.send(tftp.AppendError(nil, code, msg), g.peer)
}

// maxReceiveBuffer bounds the socket receive buffer a client asks for.
const maxReceiveBuffer = 16 << 20

// sizeReceiveBuffer asks the kernel for the receive buffer the Client
// says, or else for one that holds a whole window, so a large window is not
// dropped by the client's own socket. The kernel caps the request at
// net.core.rmem_max.
func (g *get) sizeReceiveBuffer() {
	if g.conn == nil {
		return // an Exchange's caller sizes its own socket
	}
	if g.c.ReceiveBuffer > 0 {
		return // Get asked for it when it opened the socket
	}
	if want := g.window * (g.blksize + tftp.HeaderLen + 64); g.window > 1 && want > 256<<10 {
		g.conn.SetReadBuffer(min(want, maxReceiveBuffer))
	}
}

// dally answers a resent final block until d passes without one.
func (g *get) dally(d time.Duration) {
	for {
		g.conn.SetReadDeadline(time.Now().Add(d))
		n, from, err := g.conn.ReadFromUDPAddrPort(g.buf)
		if err != nil {
			return
		}
		if netip.AddrPortFrom(from.Addr().Unmap(), from.Port()) != g.peer {
			continue
		}
		if blk, _, err := tftp.ParseData(g.buf[:n]); err == nil && blk == uint16(g.next-1) {
			g.ack(blk)
		}
	}
}

// acceptable reports whether an OACK holds only options that were asked
// for, with values a client may accept (RFC 2347: never larger than asked).
func acceptable(o, asked tftp.Options) bool {
	switch {
	case o.BlockSize != 0 && (asked.BlockSize == 0 || o.BlockSize > asked.BlockSize):
		return false
	case o.WindowSize != 0 && (asked.WindowSize == 0 || o.WindowSize > asked.WindowSize):
		return false
	case o.Timeout != 0 && asked.Timeout == 0:
		return false
	case o.HasTSize && !asked.HasTSize:
		return false
	}
	return true
}
