package device

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// The events a Cisco SIP phone fetches its files again on (spec §16).
const (
	sipCheckSync      = "check-sync"
	sipServiceControl = "service-control"
)

// SIPNotify is a NOTIFY the phone answered 200 OK and acts on.
type SIPNotify struct {
	// Event is check-sync or service-control.
	Event string `json:"event"`
	// Action is a service-control body's action= (restart, reset …); ""
	// for check-sync.
	Action string `json:"action,omitempty"`
	// Body is the NOTIFY's body as sent.
	Body string `json:"body,omitempty"`
	// From is the address the NOTIFY came from.
	From string `json:"from"`
}

// SIPPhone is the SIP user agent of an emulated phone, a sipgo server on
// one UDP address: it answers a NOTIFY of check-sync or service-control
// with 200 OK and hands it to Notifies; any other event gets 489 Bad
// Event, any other request sipgo's 405.
type SIPPhone struct {
	ua       *sipgo.UserAgent
	conn     net.PacketConn
	notifies chan SIPNotify
}

// ListenSIP starts a phone's user agent on the UDP address addr
// (host:port; port 0 picks one). Close stops it.
func ListenSIP(addr string) (*SIPPhone, error) {
	conn, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("sip listen: %w", err)
	}
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("cmtftp-simulate"))
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("sip user agent: %w", err)
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		ua.Close()
		conn.Close()
		return nil, fmt.Errorf("sip server: %w", err)
	}
	p := &SIPPhone{ua: ua, conn: conn, notifies: make(chan SIPNotify, 16)}
	srv.OnNotify(p.notify)
	go srv.ServeUDP(conn)
	return p, nil
}

// Addr returns the address the phone listens on.
func (p *SIPPhone) Addr() netip.AddrPort { return p.conn.LocalAddr().(*net.UDPAddr).AddrPort() }

// Notifies yields the NOTIFYs the phone acts on; one that comes while 16
// wait is answered but not handed on.
func (p *SIPPhone) Notifies() <-chan SIPNotify { return p.notifies }

// Close stops the user agent.
func (p *SIPPhone) Close() error {
	p.ua.Close()
	return p.conn.Close()
}

func (p *SIPPhone) notify(req *sip.Request, tx sip.ServerTransaction) {
	event := ""
	if h := req.GetHeader("Event"); h != nil {
		event = strings.TrimSpace(strings.SplitN(h.Value(), ";", 2)[0])
	}
	if event != sipCheckSync && event != sipServiceControl {
		tx.Respond(sip.NewResponseFromRequest(req, 489, "Bad Event", nil))
		return
	}
	n := SIPNotify{Event: event, Body: string(req.Body()), From: req.Source()}
	if event == sipServiceControl {
		n.Action = bodyValue(n.Body, "action")
	}
	tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	select {
	case p.notifies <- n:
	default:
	}
}

// bodyValue returns the value of key in a body of key=value lines.
func bodyValue(body, key string) string {
	for line := range strings.Lines(body) {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// ServeResets boots the device cfg describes again after each NOTIFY p
// acts on, as the phone does (it fetches its files exactly as at boot),
// calling done with the NOTIFY and the boot's report, until n resets were
// handled (n ≤ 0: no bound) or ctx ends. It returns the resets handled.
func ServeResets(ctx context.Context, cfg Config, p *SIPPhone, n int, done func(SIPNotify, *Report)) (int, error) {
	handled := 0
	for n <= 0 || handled < n {
		select {
		case <-ctx.Done():
			return handled, nil
		case note := <-p.Notifies():
			r, err := Boot(ctx, cfg)
			if err != nil {
				return handled, err
			}
			handled++
			if done != nil {
				done(note, r)
			}
		}
	}
	return handled, nil
}
