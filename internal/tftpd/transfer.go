package tftpd

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"

	"cmtftp/internal/source"
	"cmtftp/internal/tftp"
)

// Sizes that shape a transfer.
const (
	// smallFile is the size up to which a file is read whole at the start,
	// one read instead of one per block.
	smallFile = 64 << 10
	// maxNetascii is the largest file served in netascii mode, which is
	// converted in memory.
	maxNetascii = 64 << 20
	// maxBackoff bounds the doubling of the retransmission timeout.
	maxBackoff = 8
	// ackBufLen is enough for any ACK and the start of any ERROR.
	ackBufLen = 516
)

// errPeer means the client sent an ERROR and the transfer is over.
var errPeer = errors.New("tftpd: client sent an error")

// batchWriter is ipv4.PacketConn or ipv6.PacketConn: both send a window of
// messages with one sendmmsg.
type batchWriter interface {
	WriteBatch(ms []ipv4.Message, flags int) (int, error)
}

// transfer is one read request being served from its own socket.
type transfer struct {
	s        *Server
	conn     *net.UDPConn
	batch    batchWriter
	msgs     []ipv4.Message
	gsoSegs  int // >1: a window goes out in sends of this many packets, segmented by the kernel (UDP GSO)
	peer     netip.AddrPort
	file     source.File
	data     []byte // the whole file when held in memory, else nil
	size     int64
	blksize  int
	window   int
	oack     []byte // the OACK packet, or nil when no option was accepted
	rto      time.Duration
	fixedRTO bool
	deadline time.Time
	buf      []byte // room for one window of DATA packets
	chunk    []byte // one window of file bytes, read in one call (files not in memory)
	rbuf     [ackBufLen]byte
	closed   atomic.Bool

	// Where the transfer stands (see run).
	total   int64         // blocks in the file; the last is short, maybe empty
	acked   int64         // last block acknowledged; -1 while the OACK is unanswered
	end     int64         // last block of the window sent
	cur     time.Duration // retransmission timeout now, after backoff
	retries int           // resends of the current window
	wait    time.Time     // when the current window times out

	// Set when the transfer is driven by the event loop instead of its own
	// goroutine (see loop_linux.go).
	local netip.Addr
	fd    int     // the loop's socket, or -1
	to    rawAddr // the peer in the kernel's form, for the loop's sends
	res   Result
	start time.Time
}

// serveRequest opens the file for an accepted read request and starts its
// transfer. It holds one serving slot, given back by release when the
// request ends: here when it ends early, else in finish.
func (s *Server) serveRequest(l *listener, req tftp.Request, src netip.AddrPort, dst netip.Addr) {
	start := time.Now()
	res := Result{Name: req.Filename, Remote: src}
	f, err := s.open(req.Filename, src, dst)
	if err != nil {
		code, msg, outcome := s.classify(err)
		res.Outcome = outcome
		s.reply(l, code, msg, src, dst)
		if log := s.logger(); log.Enabled(s.ctx, slog.LevelDebug) {
			log.Debug("tftp request refused", "file", req.Filename, "client", src, "outcome", outcome.String(), "err", err)
		}
		s.release(res, start)
		return
	}
	t, err := s.newTransfer(req, f, src, dst)
	if err != nil {
		s.reply(l, tftp.ErrUndefined, "internal error", src, dst)
		s.notStarted(f, res, start, err)
		return
	}
	t.res, t.start = res, start
	// Lockstep transfers of files in memory (configuration files, ring
	// lists: nearly every request a phone makes) are driven by the event
	// loop, without a goroutine, socket object and timer of their own.
	loop := s.eventLoop(t)
	if loop == nil {
		if err := t.openConn(); err != nil {
			s.reply(l, tftp.ErrUndefined, "internal error", src, dst)
			t.fail(err)
			return
		}
	}
	if !s.track(t) {
		t.finish(errors.New("tftpd: transfer aborted by shutdown"))
		return
	}
	if loop == nil {
		t.finish(t.run())
		return
	}
	if err := loop.add(t); err != nil {
		s.untrack(t)
		s.reply(l, tftp.ErrUndefined, "internal error", src, dst)
		t.fail(err)
	}
}

// fail ends a transfer that could not start.
func (t *transfer) fail(err error) { t.s.notStarted(t.file, t.res, t.start, err) }

// notStarted ends a request whose file was opened but whose transfer could
// not start.
func (s *Server) notStarted(f source.File, res Result, start time.Time, err error) {
	f.Close()
	res.Outcome = OutcomeFailed
	s.stats.RequestsFailed.Add(1)
	s.logger().Warn("tftp transfer not started", "file", res.Name, "client", res.Remote, "err", err)
	s.release(res, start)
}

// finish ends a transfer that run or the event loop drove: the socket and
// file are closed, the outcome counted, the slot given back.
func (t *transfer) finish(err error) {
	s := t.s
	s.untrack(t)
	t.closeSocket()
	t.file.Close()
	res := t.res
	if err != nil {
		res.Outcome = OutcomeAborted
		s.stats.RequestsAborted.Add(1)
		if log := s.logger(); log.Enabled(s.ctx, slog.LevelDebug) {
			log.Debug("tftp transfer aborted", "file", res.Name, "client", res.Remote, "err", err)
		}
	} else {
		res.Outcome, res.Bytes = OutcomeCompleted, t.size
		s.stats.RequestsProcessed.Add(1)
	}
	s.release(res, t.start)
}

// release gives back a request's serving slot and reports how it ended.
func (s *Server) release(res Result, start time.Time) {
	s.stats.InProgress.Add(-1)
	if s.Slots != nil {
		s.Slots.Release()
	}
	res.Duration = time.Since(start)
	s.done(res)
	s.xferWG.Done()
}

func (s *Server) open(name string, src netip.AddrPort, dst netip.Addr) (source.File, error) {
	if s.Source == nil {
		return nil, errors.New("tftpd: no Source configured")
	}
	req, err := source.NewRequest(name, source.TFTP, src, dst)
	if err != nil {
		return nil, err
	}
	return s.Source.Open(s.ctx, req)
}

// classify maps a source error to what goes on the wire and counts it.
// Internal detail never reaches the client.
func (s *Server) classify(err error) (tftp.ErrorCode, string, Outcome) {
	switch {
	case errors.Is(err, source.ErrNotFound):
		s.stats.RequestsNotFound.Add(1)
		return tftp.ErrFileNotFound, "File not found", OutcomeNotFound
	case errors.Is(err, source.ErrDenied):
		s.stats.RequestsDenied.Add(1)
		return tftp.ErrAccessViolation, "Access violation", OutcomeDenied
	case errors.Is(err, source.ErrBusy):
		s.stats.RequestsBusy.Add(1)
		return tftp.ErrUndefined, BusyMessage, OutcomeBusy
	}
	s.stats.RequestsFailed.Add(1)
	return tftp.ErrUndefined, "internal error", OutcomeFailed
}

// newTransfer negotiates options and opens the transfer's socket on the
// local address the request arrived on.
func (s *Server) newTransfer(req tftp.Request, f source.File, peer netip.AddrPort, local netip.Addr) (*transfer, error) {
	t := &transfer{
		s: s, file: f, peer: peer, size: f.Size(), blksize: tftp.DefaultBlockSize, window: 1,
		rto: s.timeout(), deadline: time.Now().Add(s.transferTimeout()),
	}
	if m, ok := f.(interface{ Bytes() []byte }); ok {
		t.data = m.Bytes()
	}
	if req.Mode == tftp.ModeNetascii {
		if err := t.toNetascii(); err != nil {
			return nil, err
		}
	} else if t.data == nil && t.size <= smallFile {
		if err := t.readAll(); err != nil {
			return nil, err
		}
	}
	t.negotiate(req.Options)
	t.local, t.fd = local, -1
	t.total = t.size/int64(t.blksize) + 1 // the last block is short, maybe empty
	t.cur = t.rto
	if t.oack != nil {
		t.acked = -1
	}
	return t, nil
}

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
	t.conn = conn
	blocks := min(int64(t.window), t.total)
	t.buf = make([]byte, int(blocks)*(t.blksize+tftp.HeaderLen))
	if t.window > 1 {
		// A window of large blocks can exceed the default socket send
		// buffer; a window that does not fit would be cut short (EAGAIN)
		// and cost a retransmission timeout. The kernel caps this at
		// net.core.wmem_max.
		if want := len(t.buf) + int(blocks)*64; want > 256<<10 {
			conn.SetWriteBuffer(min(want, 16<<20))
		}
		if network == "udp4" {
			t.batch = ipv4.NewPacketConn(conn)
		} else {
			t.batch = ipv6.NewPacketConn(conn)
		}
		t.gsoSegs = enableGSO(conn, t.blksize+tftp.HeaderLen, int(blocks))
		t.msgs = make([]ipv4.Message, blocks)
		to := net.UDPAddrFromAddrPort(t.peer)
		for i := range t.msgs {
			t.msgs[i].Buffers = make([][]byte, 1)
			t.msgs[i].Addr = to
		}
	}
	return nil
}

// closeSocket closes whichever socket the transfer has.
func (t *transfer) closeSocket() {
	if t.conn != nil {
		t.conn.Close()
	}
	closeFD(t)
}

// negotiate accepts the options the server supports, within its limits,
// and prepares the OACK that acknowledges them.
func (t *transfer) negotiate(o tftp.Options) {
	var ack tftp.Options
	if o.BlockSize > 0 {
		t.blksize = min(o.BlockSize, t.s.maxBlockSize())
		ack.BlockSize = t.blksize
	}
	if o.WindowSize > 0 {
		t.window = min(o.WindowSize, t.s.maxWindowSize())
		ack.WindowSize = t.window
	}
	if o.Timeout > 0 {
		t.rto, t.fixedRTO = time.Duration(o.Timeout)*time.Second, true
		ack.Timeout = o.Timeout
	}
	if o.HasTSize {
		ack.TSize, ack.HasTSize = t.size, true
	}
	if !ack.Empty() {
		t.oack = tftp.AppendOACK(nil, ack)
	}
}

func (t *transfer) readAll() error {
	b := make([]byte, t.size)
	if n, err := t.file.ReadAt(b, 0); n != len(b) {
		return fmt.Errorf("tftpd: read %d of %d bytes: %w", n, len(b), err)
	}
	t.data = b
	return nil
}

func (t *transfer) toNetascii() error {
	if t.size > maxNetascii {
		return fmt.Errorf("tftpd: %d bytes is too large for netascii", t.size)
	}
	if t.data == nil {
		if err := t.readAll(); err != nil {
			return err
		}
	}
	t.data = tftp.AppendNetascii(make([]byte, 0, tftp.NetasciiLen(t.data)), t.data)
	t.size = int64(len(t.data))
	return nil
}

// run sends the file on the transfer's own goroutine. Blocks are numbered
// from 1; when options were accepted, the OACK is "block 0" and must be
// acknowledged by ACK 0 before any DATA. The window is sent, then the server
// waits for the ACK of its last block (RFC 7440): an ACK of an earlier block
// restarts the window after it; a duplicate or stale ACK changes nothing
// (RFC 1123, no Sorcerer's Apprentice); a timeout sends the window again
// from the last acknowledged block, with backoff, until the retries run out.
// The event loop drives the same steps: sendWindow, ack, timedOut.
func (t *transfer) run() error {
	for !t.complete() {
		if err := t.sendWindow(); err != nil {
			return err
		}
		// One deadline per window sent: ignored packets (duplicate ACKs from
		// a client re-sending its last ACK) must not push it back, or the
		// window would never be sent again.
		if err := t.conn.SetReadDeadline(t.waitUntil(time.Now())); err != nil {
			return err
		}
		for {
			blk, err := t.readAck()
			if errors.Is(err, os.ErrDeadlineExceeded) {
				if err := t.timedOut(time.Now()); err != nil {
					return err
				}
				break
			}
			if err != nil {
				return err
			}
			if t.ack(blk) {
				break
			}
		}
	}
	return nil
}

// complete reports whether every block has been acknowledged.
func (t *transfer) complete() bool { return t.acked >= t.total }

// sendWindow sends the window after the last acknowledged block (or the
// OACK alone while it is unanswered).
func (t *transfer) sendWindow() error {
	t.end = min(t.acked+int64(t.window), t.total)
	if t.acked < 0 {
		t.end = 0
	}
	return t.send(t.acked+1, t.end)
}

// waitUntil is when the window sent at now times out.
func (t *transfer) waitUntil(now time.Time) time.Time {
	t.wait = now.Add(t.cur)
	if t.deadline.Before(t.wait) {
		t.wait = t.deadline
	}
	return t.wait
}

// ack takes the ACK of block blk and reports whether it moved the window:
// duplicate, stale and future ACKs are ignored.
func (t *transfer) ack(blk uint16) bool {
	diff := int64(blk - uint16(t.acked)) // blocks newly acknowledged, mod 2^16
	if diff == 0 || diff > t.end-t.acked {
		return false
	}
	t.acked += diff
	t.cur, t.retries = t.rto, 0
	t.s.stats.SegmentsAcked.Add(uint64(diff))
	return true
}

// timedOut handles the window's timeout at now: an error ends the transfer
// (total time limit reached, retries exhausted), nil means send it again.
func (t *transfer) timedOut(now time.Time) error {
	if !now.Before(t.deadline) {
		t.sendError(tftp.ErrUndefined, "transfer timed out")
		return errors.New("tftpd: transfer timeout")
	}
	if t.retries++; t.retries > t.s.retries() {
		return fmt.Errorf("tftpd: no acknowledgment of block %d, retries exhausted", t.acked+1)
	}
	if !t.fixedRTO {
		t.cur = min(t.cur*2, t.rto*maxBackoff)
	}
	t.s.stats.Retransmits.Add(1)
	return nil
}

// windowBytes returns the bytes of blocks first..last (k blocks from byte
// start): a slice of the file in memory, or one read for the whole window
// instead of one per block.
func (t *transfer) windowBytes(first, last, start int64, k, stride int) ([]byte, error) {
	if t.data != nil {
		return t.data[start:], nil
	}
	n := int(min(int64(k*t.blksize), t.size-start))
	if cap(t.chunk) < n {
		t.chunk = make([]byte, len(t.buf)/stride*t.blksize)
	}
	if got, err := t.file.ReadAt(t.chunk[:n], start); got != n {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		t.sendError(tftp.ErrUndefined, "file changed during transfer")
		return nil, fmt.Errorf("tftpd: read blocks %d-%d: %w", first, last, err)
	}
	return t.chunk[:n], nil
}

// send sends blocks first..last (block 0 is the OACK) in one batch.
func (t *transfer) send(first, last int64) error {
	if first == 0 {
		t.s.stats.SegmentsSent.Add(1)
		return t.write(t.oack)
	}
	stride := t.blksize + tftp.HeaderLen
	k := int(last - first + 1)
	// src holds the window's bytes, from the start of block first.
	start := (first - 1) * int64(t.blksize)
	src, err := t.windowBytes(first, last, start, k, stride)
	if err != nil {
		return err
	}
	var pkt []byte
	for i := range k {
		off := int64(i) * int64(t.blksize)
		n := int(min(int64(t.blksize), int64(len(src))-off))
		pkt = t.buf[i*stride : i*stride+tftp.HeaderLen+n]
		tftp.PutDataHeader(pkt, uint16(first+int64(i)))
		copy(pkt[tftp.HeaderLen:], src[off:])
		if t.msgs != nil {
			t.msgs[i].Buffers[0] = pkt
		}
	}
	t.s.stats.SegmentsSent.Add(uint64(k))
	if k == 1 {
		return t.write(pkt)
	}
	if t.gsoSegs > 1 {
		// The packets lie back to back in t.buf, all full but maybe the
		// last: the kernel cuts each send into datagrams of one stride.
		end := (k-1)*stride + len(pkt)
		for i := 0; i < k; i += t.gsoSegs {
			j := min(i+t.gsoSegs, k)
			hi := min(j*stride, end)
			if _, err := t.conn.WriteToUDPAddrPort(t.buf[i*stride:hi], t.peer); err != nil {
				if gsoUnsupported(err) {
					t.gsoSegs = 0 // this path cannot segment: batches from now on
					return t.sendBatch(i, k)
				}
				return t.sendFailed(err)
			}
		}
		return nil
	}
	return t.sendBatch(0, k)
}

// sendBatch sends packets [from, k) of the window with sendmmsg.
func (t *transfer) sendBatch(from, k int) error {
	for sent := from; sent < k; {
		n, err := t.batch.WriteBatch(t.msgs[sent:k], 0)
		if err != nil {
			return t.sendFailed(err)
		}
		sent += n
	}
	return nil
}

func (t *transfer) write(p []byte) error {
	if t.conn == nil {
		return t.sendFailed(t.sendRaw(p))
	}
	if _, err := t.conn.WriteToUDPAddrPort(p, t.peer); err != nil {
		return t.sendFailed(err)
	}
	return nil
}

// sendFailed decides whether a send error ends the transfer. Errors that
// mean "this packet did not leave" (a full socket buffer, a local firewall
// dropping it with EPERM, an ICMP error reported for an earlier packet) are
// treated as a lost packet: the retransmission timeout sends it again.
func (t *transfer) sendFailed(err error) error {
	if transientSendError(err) {
		return nil
	}
	return err
}

// transientSendError reports whether a UDP send error is one that
// retransmission can get past.
func transientSendError(err error) bool {
	for _, e := range []error{syscall.ENOBUFS, syscall.EAGAIN, syscall.EPERM, syscall.ECONNREFUSED, syscall.EHOSTUNREACH, syscall.ENETUNREACH} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// readAck waits, until the socket's read deadline, for an ACK from the
// peer. Packets from any other address or port get ERROR 5 and the wait goes
// on; other packets from the peer are ignored.
func (t *transfer) readAck() (uint16, error) {
	for {
		n, from, err := t.conn.ReadFromUDPAddrPort(t.rbuf[:])
		if err != nil {
			if t.closed.Load() {
				return 0, errors.New("tftpd: transfer aborted by shutdown")
			}
			return 0, err
		}
		if from.Addr().Unmap() != t.peer.Addr() || from.Port() != t.peer.Port() {
			t.s.stats.UnknownTID.Add(1)
			var eb [32]byte
			_, _ = t.conn.WriteToUDPAddrPort(tftp.AppendError(eb[:0], tftp.ErrUnknownTID, "Unknown transfer ID"), from)
			continue
		}
		p := t.rbuf[:n]
		if blk, err := tftp.ParseAck(p); err == nil {
			return blk, nil
		}
		if op, _ := tftp.PeekOpcode(p); op == tftp.OpERROR {
			return 0, errPeer
		}
	}
}

func (t *transfer) sendError(code tftp.ErrorCode, msg string) {
	var eb [64]byte
	_ = t.write(tftp.AppendError(eb[:0], code, msg))
}

// abort ends the transfer from another goroutine: the client is told, and
// the socket is closed so the transfer's wait returns at once. A transfer
// on the event loop is only marked; the loop tells the client and ends it.
func (t *transfer) abort() {
	if t.closed.Swap(true) {
		return
	}
	if t.conn == nil {
		t.s.loop.poke()
		return
	}
	t.sendError(tftp.ErrUndefined, "server shutting down")
	t.conn.Close()
}
