package tftpd

import (
	"errors"
	"log/slog"
	"net/netip"
	"time"

	"cmtftp/internal/source"
	"cmtftp/internal/tftp"
)

// serveRequest opens the file for an accepted read request and starts its
// transfer. It holds one serving slot, given back by release when the
// request ends: here when it ends early, else in finish.
func (s *Server) serveRequest(l *listener, req tftp.Request, c *claim, src netip.AddrPort, dst netip.Addr) {
	start := time.Now()
	res := Result{Name: req.Filename, Remote: src, claim: c}
	f, family, err := s.open(req.Filename, src, dst)
	res.Family = family
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
	res.Origin, res.Signer = source.OriginOf(f), source.SignerOf(f)
	t, err := s.newTransfer(req, f, src, dst)
	if err != nil {
		s.reply(l, tftp.ErrUndefined, "internal error", src, dst)
		s.notStarted(f, res, start, err)
		return
	}
	t.res, t.start = res, start
	s.startTransfer(l, t)
}

// startTransfer hands t to its driver. Lockstep transfers of files in
// memory (configuration files, ring lists: nearly every request a phone
// makes) are driven by the event loop, without a goroutine, socket object
// and timer of their own; the others run on this goroutine.
func (s *Server) startTransfer(l *listener, t *transfer) {
	loop := s.eventLoop(t)
	if loop == nil {
		if err := t.openConn(); err != nil {
			s.reply(l, tftp.ErrUndefined, "internal error", t.m.peer, t.local)
			t.fail(err)
			return
		}
	}
	if !s.track(t) {
		t.finish(OutcomeAborted, errShutdown)
		return
	}
	// Its socket (or the loop) is there now: a duplicate request may wake it.
	s.attach(t.res.claim, t)
	if loop == nil {
		t.finish(t.run())
		return
	}
	if err := loop.add(t); err != nil {
		s.untrack(t)
		s.reply(l, tftp.ErrUndefined, "internal error", t.m.peer, t.local)
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

// release gives back a request's serving slot and reports how it ended.
func (s *Server) release(res Result, start time.Time) {
	s.stats.InProgress.Add(-1)
	s.slots.ReleaseFrom(res.Remote.Addr())
	s.forgetRequest(res.claim)
	res.Duration = time.Since(start)
	s.done(res)
	s.xferWG.Done()
}

// open opens the file name asks for, and returns the name's
// configuration-file family as the chain resolved it ("" for others).
func (s *Server) open(name string, src netip.AddrPort, dst netip.Addr) (source.File, string, error) {
	if s.Source == nil {
		return nil, "", errors.New("tftpd: no Source configured")
	}
	req, err := source.NewRequest(name, source.TFTP, src, dst)
	if err != nil {
		return nil, "", err
	}
	f, err := s.Source.Open(s.ctx, req)
	return f, req.Family(), err
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
