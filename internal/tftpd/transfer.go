package tftpd

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"sync/atomic"
	"syscall"
	"time"

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
	// ackBufLen is enough for any ACK and the start of any ERROR.
	ackBufLen = 516
)

// transfer is one read request being served from its own socket: the
// protocol machine, the file's bytes and the packets built from them, and
// the driver's sender.
type transfer struct {
	s       *Server
	m       machine
	snd     sender // the driver's: &cs or &raw
	file    source.File
	data    []byte // the whole file when held in memory, else nil
	size    int64
	blksize int
	oack    []byte // the OACK packet, or nil when no option was accepted
	buf     []byte // room for one window of DATA packets
	chunk   []byte // one window of file bytes, read in one call (files not in memory)
	// pbuf is room for one packet: an ACK being read (goroutine driver) or
	// an ERROR being sent, once the machine is done with what was read.
	pbuf   [ackBufLen]byte
	local  netip.Addr // the address the request came to
	closed atomic.Bool
	again  atomic.Bool // the client asked again: send the first packet again (requestAgain)
	// charged is what was taken from the peer's unverified budget and is
	// refunded once the peer acknowledges its first block.
	charged int32
	heard   bool // the peer has acknowledged something: refunded, and no longer duplicated (duplicates.go)
	res     Result
	start   time.Time

	// The goroutine driver's (goroutine.go).
	cs connSender

	// The event loop's (loop_linux.go).
	raw rawSender
}

// newTransfer negotiates options and prepares the transfer of f to peer
// from the local address the request arrived on.
func (s *Server) newTransfer(req tftp.Request, f source.File, peer netip.AddrPort, local netip.Addr) (*transfer, error) {
	t := &transfer{s: s, file: f, local: local, size: f.Size(), blksize: tftp.DefaultBlockSize}
	t.m = machine{
		peer: peer, window: 1, rto: s.timeout(), maxRetries: s.retries(),
		deadline: time.Now().Add(s.transferTimeout()), stats: &s.stats,
	}
	t.raw.fd = -1
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
	t.m.total = t.size/int64(t.blksize) + 1 // the last block is short, maybe empty
	t.m.oack = t.oack != nil
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
		t.m.window = min(o.WindowSize, t.s.maxWindowSize())
		ack.WindowSize = t.m.window
	}
	if o.Timeout > 0 {
		t.m.rto, t.m.fixedRTO = time.Duration(o.Timeout)*time.Second, true
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

// do carries out what the machine decided, through the driver's sender,
// and reports whether the transfer is over, how, and why when aborted. A
// send that fails for good ends the transfer; ERRORs are sent once and
// their failures ignored.
func (t *transfer) do(a action) (done bool, outcome Outcome, err error) {
	if t.m.verified && !t.heard {
		t.heard = true
		t.s.heard(t.res.claim)
		if t.charged > 0 {
			t.s.slots.Refund(t.m.peer.Addr(), int(t.charged))
			t.charged = 0
		}
	}
	switch a.send {
	case sendBlocks:
		if err := t.sendBlocks(a.first, a.last, a.probe); err != nil {
			return true, OutcomeAborted, err
		}
	case sendError:
		t.sendError(a.code, a.msg)
	case sendStranger:
		_ = t.snd.sendTo(tftp.AppendError(t.pbuf[:0], a.code, a.msg), a.to)
	}
	return a.done, a.outcome, a.err
}

// sendBlocks sends blocks first..last (block 0 is the OACK), then block
// probe again unless it is 0, in one batch.
func (t *transfer) sendBlocks(first, last, probe int64) error {
	if first == 0 {
		if err := t.charge(len(t.oack)); err != nil {
			return err
		}
		t.s.stats.SegmentsSent.Add(1)
		return sendFailed(t.snd.send(t.oack))
	}
	b, k, err := t.fill(first, last, probe)
	if err != nil {
		t.sendError(tftp.ErrUndefined, fileChangedMessage)
		return err
	}
	if err := t.charge(len(b)); err != nil {
		return err
	}
	t.s.stats.SegmentsSent.Add(uint64(k))
	if k == 1 {
		return sendFailed(t.snd.send(b))
	}
	return sendFailed(t.snd.sendWindow(b, t.blksize+tftp.HeaderLen, k))
}

// charge takes n bytes about to be sent from the peer's unverified budget
// while the peer has acknowledged nothing, or ends the transfer, sending
// nothing, when the budget is spent (source.Slots).
func (t *transfer) charge(n int) error {
	if t.m.verified {
		return nil
	}
	if !t.s.slots.Charge(t.m.peer.Addr(), n) {
		t.s.stats.Unverified.Add(1)
		return errUnverified
	}
	t.charged += int32(n) // at most two packets: fits
	return nil
}

// fill writes DATA blocks first..last into t.buf, back to back, then block
// probe unless it is 0, and returns them and their number. A probe is a
// full block, and so are the blocks of a window that ends with one (it
// does not end the file: window.go): the packets keep one stride.
func (t *transfer) fill(first, last, probe int64) ([]byte, int, error) {
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
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, 0, fmt.Errorf("tftpd: read blocks %d-%d: %w", first, last, err)
		}
		src = t.chunk[:n]
	}
	end := 0
	for i := range k {
		off := int64(i) * int64(t.blksize)
		n := int(min(int64(t.blksize), int64(len(src))-off))
		pkt := t.buf[i*stride : i*stride+tftp.HeaderLen+n]
		tftp.PutDataHeader(pkt, uint16(first+int64(i)))
		copy(pkt[tftp.HeaderLen:], src[off:])
		end = i*stride + len(pkt)
	}
	if probe == 0 {
		return t.buf[:end], k, nil
	}
	if err := t.putBlock(t.buf[end:end+stride], probe); err != nil {
		return nil, 0, err
	}
	return t.buf[:end+stride], k + 1, nil
}

// putBlock writes full DATA block blk into pkt, which is one stride long.
func (t *transfer) putBlock(pkt []byte, blk int64) error {
	tftp.PutDataHeader(pkt, uint16(blk))
	off := (blk - 1) * int64(t.blksize)
	if t.data != nil {
		copy(pkt[tftp.HeaderLen:], t.data[off:])
		return nil
	}
	if n, err := t.file.ReadAt(pkt[tftp.HeaderLen:], off); n != len(pkt)-tftp.HeaderLen {
		return fmt.Errorf("tftpd: read block %d: %w", blk, cmp.Or(err, io.ErrUnexpectedEOF))
	}
	return nil
}

// sendError sends the peer an ERROR, once; a failure to send is ignored.
func (t *transfer) sendError(code tftp.ErrorCode, msg string) {
	_ = t.snd.send(tftp.AppendError(t.pbuf[:0], code, msg))
}

// finish ends a transfer that run or the event loop drove: the socket and
// file are closed, the outcome counted, the slot given back.
func (t *transfer) finish(outcome Outcome, err error) {
	s := t.s
	s.untrack(t)
	t.closeSocket()
	t.file.Close()
	res := t.res
	res.Outcome = outcome
	if outcome == OutcomeCompleted {
		res.Bytes = t.size
		s.stats.RequestsProcessed.Add(1)
	} else {
		s.stats.RequestsAborted.Add(1)
		if errors.Is(err, syscall.ECONNREFUSED) {
			s.stats.PeerUnreachable.Add(1)
		}
		if log := s.logger(); log.Enabled(s.ctx, slog.LevelDebug) {
			log.Debug("tftp transfer aborted", "file", res.Name, "client", res.Remote, "err", err)
		}
	}
	s.release(res, t.start)
}

// closeSocket closes whichever socket the transfer has.
func (t *transfer) closeSocket() {
	if t.cs.conn != nil {
		t.cs.conn.Close()
	}
	closeFD(t)
}

// abort ends the transfer from another goroutine (Shutdown): it is marked,
// and its driver is woken to tell the client and end it.
func (t *transfer) abort() {
	if t.closed.Swap(true) {
		return
	}
	t.wake()
}

// requestAgain asks the transfer, from another goroutine, to send its first
// packet again: its client sent the request again (duplicates.go).
func (t *transfer) requestAgain() {
	if t.again.Swap(true) {
		return // not taken in yet
	}
	t.wake()
}

// wake wakes the transfer's driver to look at its flags.
func (t *transfer) wake() {
	if t.cs.conn == nil {
		t.s.loop.poke()
		return
	}
	t.wakeConn()
}
