package sipnotify

import (
	"strings"

	"github.com/emiago/sipgo/sip"
)

// UserAgent is the User-Agent and the From user of every NOTIFY.
const UserAgent = "cmtftp"

// Body returns the body of t's NOTIFY: for service-control the key=value
// lines of spec §16, each ended by CRLF; for check-sync none.
//
//	action=restart
//	RegisterCallId={}
//	ConfigVersionStamp={…}
//	DialplanVersionStamp={…}
//	SoftkeyVersionStamp={…}
func Body(t Target) []byte {
	if t.Event != EventServiceControl {
		return nil
	}
	var b strings.Builder
	line := func(k, v string) { b.WriteString(k + "=" + v + "\r\n") }
	line("action", t.Action)
	line("RegisterCallId", "{"+t.RegisterCallID+"}")
	line("ConfigVersionStamp", "{"+orZero(t.Stamps.Config)+"}")
	line("DialplanVersionStamp", "{"+orZero(t.Stamps.Dialplan)+"}")
	line("SoftkeyVersionStamp", "{"+orZero(t.Stamps.Softkey)+"}")
	return []byte(b.String())
}

func orZero(s string) string {
	if s == "" {
		return ZeroStamp
	}
	return s
}

// NewRequest builds t's NOTIFY outside any dialog:
//
//	NOTIFY sip:SEP001122334455@192.0.2.10:5060 SIP/2.0
//	To: <sip:SEP001122334455@192.0.2.10:5060>
//	Event: service-control | check-sync
//	Subscription-State: active
//	Content-Type: text/plain      (service-control only)
//
// Via, From (with its tag), Call-ID, CSeq and Max-Forwards are added by
// the sipgo client as it sends it.
func NewRequest(t Target) *sip.Request {
	host := t.Addr.Addr().Unmap().String()
	if t.Addr.Addr().Unmap().Is6() {
		host = "[" + host + "]" // sipgo joins host and port as they are
	}
	uri := sip.Uri{Scheme: "sip", User: t.Device, Host: host, Port: int(t.Addr.Port())}
	req := sip.NewRequest(sip.NOTIFY, uri)
	req.AppendHeader(&sip.ToHeader{Address: uri})
	req.AppendHeader(sip.NewHeader("Event", t.Event))
	req.AppendHeader(sip.NewHeader("Subscription-State", "active"))
	req.AppendHeader(sip.NewHeader("User-Agent", UserAgent))
	if body := Body(t); body != nil {
		ct := sip.ContentTypeHeader("text/plain")
		req.AppendHeader(&ct)
		req.SetBody(body)
	} else {
		req.SetBody(nil)
	}
	req.SetTransport("UDP")
	return req
}
