package tftpd

import (
	"errors"
	"net/netip"

	"cmtftp/internal/tftp"
)

// maxDatagram is the largest UDP payload; a request is read whole or not at all.
const maxDatagram = 65536

// readLoop reads requests from one listener until it is closed. It does the
// cheap checks itself and hands each accepted request to a new goroutine.
func (s *Server) readLoop(l *listener) error {
	buf := make([]byte, maxDatagram)
	for {
		n, src, dst, err := l.read(buf)
		if err != nil {
			if s.closing.Load() {
				return nil
			}
			var ne interface{ Temporary() bool }
			if errors.As(err, &ne) && ne.Temporary() {
				continue
			}
			return err
		}
		s.handle(l, buf[:n], src, dst, false)
	}
}

// handle answers one datagram that arrived on a listener; onLoop says the
// event loop read it, on its own goroutine.
func (s *Server) handle(l *listener, b []byte, src netip.AddrPort, dst netip.Addr, onLoop bool) {
	op, err := tftp.PeekOpcode(b)
	if err != nil || (op != tftp.OpRRQ && op != tftp.OpWRQ) {
		// Too short, unknown, or a DATA/ACK/ERROR/OACK sent to the listening
		// port: dropped without reply, so it cannot be used to reflect.
		s.stats.Malformed.Add(1)
		return
	}
	req, err := tftp.ParseRequest(b)
	if err != nil {
		s.stats.Malformed.Add(1)
		s.replyCapped(l, len(b), tftp.ErrIllegalOp, "malformed request", src, dst)
		return
	}
	var c *claim
	if req.Op == tftp.OpRRQ {
		if c = s.claimRequest(onLoop, src, req.Filename); c == nil {
			s.stats.Duplicates.Add(1)
			return
		}
	}
	s.stats.Requests.Add(1)
	if req.Op == tftp.OpWRQ {
		s.stats.RequestsDenied.Add(1)
		s.reply(l, tftp.ErrAccessViolation, "access violation", src, dst)
		s.done(Result{Name: req.Filename, Remote: src, Outcome: OutcomeDenied})
		return
	}
	if req.Mode != tftp.ModeOctet && req.Mode != tftp.ModeNetascii {
		s.forgetRequest(c)
		s.stats.RequestsFailed.Add(1)
		s.reply(l, tftp.ErrIllegalOp, "unsupported mode", src, dst)
		s.done(Result{Name: req.Filename, Remote: src, Outcome: OutcomeFailed})
		return
	}
	if !s.admit(onLoop, src.Addr()) {
		s.forgetRequest(c)
		s.stats.RequestsOverflow.Add(1)
		s.reply(l, tftp.ErrUndefined, BusyMessage, src, dst)
		s.done(Result{Name: req.Filename, Remote: src, Outcome: OutcomeOverflow})
		return
	}
	s.stats.InProgress.Add(1)
	s.xferWG.Add(1)
	go s.serveRequest(l, req, c, src, dst)
}

// reply sends one ERROR packet from the listener.
func (s *Server) reply(l *listener, code tftp.ErrorCode, msg string, to netip.AddrPort, from netip.Addr) {
	var buf [128]byte
	_ = l.writeTo(tftp.AppendError(buf[:0], code, msg), to, from)
}

// replyCapped sends an ERROR no larger than the datagram it answers, cutting
// the message as needed, so a spoofed request can never be amplified. A
// datagram too short for even an empty ERROR gets no answer.
func (s *Server) replyCapped(l *listener, reqLen int, code tftp.ErrorCode, msg string, to netip.AddrPort, from netip.Addr) {
	room := reqLen - tftp.ErrorLen("")
	if room < 0 {
		return
	}
	if len(msg) > room {
		msg = msg[:room]
	}
	s.reply(l, code, msg, to, from)
}

func (s *Server) done(r Result) {
	if s.OnDone != nil {
		s.OnDone(r)
	}
}
