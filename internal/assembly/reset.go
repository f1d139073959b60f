package assembly

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"

	"cmtftp/internal/admin"
	"cmtftp/internal/domain"
	"cmtftp/internal/sipnotify"
	"cmtftp/internal/source/built"
)

// sccpDetail is why an SCCP phone is not sent anything.
const sccpDetail = "SCCP phones are reset by their call-control server"

// reset serves POST /api/v1/reset (admin.Server.Reset): it finds each
// selected device's SIP contact — the address it last fetched its files
// from, on its SIP profile's port — and sends the NOTIFY its family reacts
// to, at most a quarter of the Maximum Serving Count awaiting an answer at
// once, so that the phones fetching their files again stay under it. Each
// NOTIFY and its answer go in the device's timeline.
func (s *Server) reset(ctx context.Context, q admin.ResetRequest, senders *lazySender) ([]admin.ResetResult, error) {
	names, err := s.resetDevices(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]admin.ResetResult, len(names))
	var targets []sipnotify.Target
	var slots []int // the result each target fills
	for i, name := range names {
		t, res, err := s.resetTarget(ctx, name, q.Action)
		if err != nil {
			return nil, err
		}
		out[i] = res
		if res.Result == "" {
			targets, slots = append(targets, t), append(slots, i)
		}
	}
	if len(targets) == 0 {
		return out, nil
	}
	sender, err := senders.get()
	if err != nil {
		return nil, err
	}
	d := &sipnotify.Dispatcher{MaxOutstanding: sipnotify.MaxOutstandingFor(int(s.slots.Max())),
		Send: func(ctx context.Context, t sipnotify.Target) sipnotify.Result {
			note := s.timeline.SIPSent(t.Device, t.Addr, t.Event)
			r := sender.Send(ctx, t)
			s.timeline.SIPAnswered(note, r.Status)
			return r
		}}
	for j, r := range d.Run(ctx, targets) {
		res := &out[slots[j]]
		res.Result, res.Status, res.Detail = r.Result, r.Status, r.Detail
	}
	return out, nil
}

// resetFunc returns admin.Server.Reset: reset with one SIP user agent,
// made at the first reset and closed when the server has stopped.
func (s *Server) resetFunc() func(context.Context, admin.ResetRequest) ([]admin.ResetResult, error) {
	senders := &lazySender{bg: s.bg}
	return func(ctx context.Context, q admin.ResetRequest) ([]admin.ResetResult, error) {
		return s.reset(ctx, q, senders)
	}
}

// lazySender makes a sipnotify.Sender on first use and closes it when bg
// ends.
type lazySender struct {
	bg     context.Context
	mu     sync.Mutex
	sender *sipnotify.Sender
}

// get returns the sender, made now if it is the first reset; none once
// the server is stopping.
func (l *lazySender) get() (*sipnotify.Sender, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sender != nil {
		return l.sender, nil
	}
	if err := l.bg.Err(); err != nil {
		return nil, fmt.Errorf("the server is stopping: %w", err)
	}
	sender, err := sipnotify.NewSender(0)
	if err != nil {
		return nil, err
	}
	l.sender = sender
	context.AfterFunc(l.bg, func() { sender.Close() })
	return sender, nil
}

// resetTarget returns the NOTIFY to send to the device name, with its
// result's device, protocol, target and event filled in; a result already
// decided (not-sent) has its Result set and no NOTIFY. An error is the
// store's.
func (s *Server) resetTarget(ctx context.Context, name, action string) (sipnotify.Target, admin.ResetResult, error) {
	res := admin.ResetResult{Device: name}
	c, err := s.store.DeviceConfig(ctx, name)
	if errors.Is(err, domain.ErrNotFound) {
		res.Result, res.Detail = sipnotify.ResultNotSent, "no such device"
		return sipnotify.Target{}, res, nil
	}
	if err != nil {
		return sipnotify.Target{}, res, err
	}
	res.Protocol = c.Device.Protocol
	event, ok := sipnotify.EventFor(c.Model, c.Device.Protocol)
	switch {
	case c.Device.Protocol == domain.ProtocolSCCP:
		res.Result, res.Detail = sipnotify.ResultNotSent, sccpDetail
		return sipnotify.Target{}, res, nil
	case !ok:
		res.Result, res.Detail = sipnotify.ResultNotSent, "model "+c.Model.Name+" takes no SIP NOTIFY"
		return sipnotify.Target{}, res, nil
	}
	res.Event = event
	addr, seen := s.timeline.LastAddr(name)
	if !seen {
		res.Result, res.Detail = sipnotify.ResultNotSent, "not seen since the server started: no address to send to"
		return sipnotify.Target{}, res, nil
	}
	port := sipnotify.DefaultPort
	if c.SIPProfile != nil && c.SIPProfile.VoIPControlPort > 0 {
		port = c.SIPProfile.VoIPControlPort
	}
	t := sipnotify.Target{Device: name, Addr: netip.AddrPortFrom(addr, uint16(port)), Event: event, Action: action}
	res.Target = t.Addr.String()
	if event == sipnotify.EventServiceControl {
		t.Stamps = s.builtStamps(ctx, c)
	}
	return t, res, nil
}

// builtStamps returns the version stamps of the configuration, dial plan
// and softkey files cmtftp builds for the device now; a file that does not
// build has none (sent as zeros).
func (s *Server) builtStamps(ctx context.Context, c *domain.DeviceConfig) sipnotify.Stamps {
	cfg := s.builtFile(ctx, c.Device.Name+".cnf.xml")
	st := sipnotify.Stamps{Config: sipnotify.StampOf(cfg)}
	if dial := sipnotify.Element(cfg, "dialTemplate"); dial != "" {
		st.Dialplan = sipnotify.StampOf(s.builtFile(ctx, dial))
	}
	if sk := sipnotify.Element(cfg, "softKeyFile"); sk != "" {
		st.Softkey = sipnotify.StampOf(s.builtFile(ctx, sk))
	}
	return st
}

// builtFile returns the bytes cmtftp builds for name, nil when it builds
// none.
func (s *Server) builtFile(ctx context.Context, name string) []byte {
	b, _, err := built.Render(ctx, s.store, name)
	if err != nil {
		return nil
	}
	return b
}
