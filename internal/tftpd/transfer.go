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
}

// serveRequest opens the file for an accepted read request and runs its
// transfer. It holds one serving slot, which it gives back when it returns.
func (s *Server) serveRequest(l *listener, req tftp.Request, src netip.AddrPort, dst netip.Addr) {
	start := time.Now()
	res := Result{Name: req.Filename, Remote: src}
	defer func() {
		s.stats.InProgress.Add(-1)
		if s.Slots != nil {
			s.Slots.Release()
		}
		res.Duration = time.Since(start)
		s.done(res)
		s.xferWG.Done()
	}()
	f, err := s.open(req.Filename, src, dst)
	if err != nil {
		code, msg, outcome := s.classify(err)
		res.Outcome = outcome
		s.reply(l, code, msg, src, dst)
		if log := s.logger(); log.Enabled(s.ctx, slog.LevelDebug) {
			log.Debug("tftp request refused", "file", req.Filename, "client", src, "outcome", outcome.String(), "err", err)
		}
		return
	}
	defer f.Close()
	t, err := s.newTransfer(req, f, src, dst)
	if err != nil {
		res.Outcome = OutcomeFailed
		s.stats.RequestsFailed.Add(1)
		s.reply(l, tftp.ErrUndefined, "internal error", src, dst)
		s.logger().Warn("tftp transfer not started", "file", req.Filename, "client", src, "err", err)
		return
	}
	defer t.conn.Close()
	if !s.track(t) {
		res.Outcome = OutcomeAborted
		s.stats.RequestsAborted.Add(1)
		return
	}
	defer s.untrack(t)
	err = t.run()
	if err != nil {
		res.Outcome = OutcomeAborted
		s.stats.RequestsAborted.Add(1)
		if log := s.logger(); log.Enabled(s.ctx, slog.LevelDebug) {
			log.Debug("tftp transfer aborted", "file", req.Filename, "client", src, "err", err)
		}
		return
	}
	res.Outcome, res.Bytes = OutcomeCompleted, t.size
	s.stats.RequestsProcessed.Add(1)
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

	network := "udp4"
	if local.Is6() {
		network = "udp6"
	}
	conn, err := net.ListenUDP(network, &net.UDPAddr{IP: local.AsSlice(), Zone: local.Zone()})
	if err != nil {
		return nil, fmt.Errorf("tftpd: transfer socket: %w", err)
	}
	t.conn = conn
	blocks := min(int64(t.window), t.size/int64(t.blksize)+1)
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
		to := net.UDPAddrFromAddrPort(peer)
		for i := range t.msgs {
			t.msgs[i].Buffers = make([][]byte, 1)
			t.msgs[i].Addr = to
		}
	}
	return t, nil
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

// run sends the file. Blocks are numbered from 1; when options were
// accepted, the OACK is "block 0" and must be acknowledged by ACK 0 before
// any DATA. The window is sent, then the server waits for the ACK of its
// last block (RFC 7440): an ACK of an earlier block restarts the window after
// it; a duplicate or stale ACK changes nothing (RFC 1123, no Sorcerer's
// Apprentice); a timeout sends the window again from the last acknowledged
// block, with backoff, until the retries run out.
func (t *transfer) run() error {
	total := t.size/int64(t.blksize) + 1 // the last block is short, maybe empty
	acked := int64(0)
	if t.oack != nil {
		acked = -1
	}
	rto, retries := t.rto, 0
	for acked < total {
		end := min(acked+int64(t.window), total)
		if acked < 0 {
			end = 0 // the OACK alone
		}
		if err := t.send(acked+1, end); err != nil {
			return err
		}
		// One deadline per window sent: ignored packets (duplicate ACKs from
		// a client re-sending its last ACK) must not push it back, or the
		// window would never be sent again.
		wait := time.Now().Add(rto)
		if t.deadline.Before(wait) {
			wait = t.deadline
		}
		if err := t.conn.SetReadDeadline(wait); err != nil {
			return err
		}
		for {
			blk, err := t.readAck()
			if errors.Is(err, os.ErrDeadlineExceeded) {
				if !time.Now().Before(t.deadline) {
					t.sendError(tftp.ErrUndefined, "transfer timed out")
					return errors.New("tftpd: transfer timeout")
				}
				if retries++; retries > t.s.retries() {
					return fmt.Errorf("tftpd: no acknowledgment of block %d, retries exhausted", acked+1)
				}
				if !t.fixedRTO {
					rto = min(rto*2, t.rto*maxBackoff)
				}
				t.s.stats.Retransmits.Add(1)
				break
			}
			if err != nil {
				return err
			}
			diff := int64(blk - uint16(acked)) // blocks newly acknowledged, mod 2^16
			if diff == 0 || diff > end-acked {
				continue // duplicate, stale or future ACK: ignore it
			}
			acked += diff
			rto, retries = t.rto, 0
			t.s.stats.SegmentsAcked.Add(uint64(diff))
			break
		}
	}
	return nil
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
	var src []byte
	if t.data != nil {
		src = t.data[start:]
	} else {
		// One read for the whole window instead of one per block.
		n := int(min(int64(k*t.blksize), t.size-start))
		if cap(t.chunk) < n {
			t.chunk = make([]byte, len(t.buf)/stride*t.blksize)
		}
		if got, err := t.file.ReadAt(t.chunk[:n], start); got != n {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			t.sendError(tftp.ErrUndefined, "file changed during transfer")
			return fmt.Errorf("tftpd: read blocks %d-%d: %w", first, last, err)
		}
		src = t.chunk[:n]
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
	_, _ = t.conn.WriteToUDPAddrPort(tftp.AppendError(eb[:0], code, msg), t.peer)
}

// abort ends the transfer from another goroutine: the client is told, and
// the socket is closed so the transfer's wait returns at once.
func (t *transfer) abort() {
	if t.closed.Swap(true) {
		return
	}
	t.sendError(tftp.ErrUndefined, "server shutting down")
	t.conn.Close()
}
