package sipnotify

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

func header(req *sip.Request, name string) string {
	if h := req.GetHeader(name); h != nil {
		return h.Value()
	}
	return ""
}

func TestSendHeaders(t *testing.T) {
	stamps := Stamps{Config: "11111111-2222-3333-4444-555555555555", Softkey: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"}
	tests := []struct {
		name, event, action, ctype, body string
	}{
		{"service-control restart", EventServiceControl, ActionRestart, "text/plain",
			"action=restart\r\nRegisterCallId={}\r\nConfigVersionStamp={11111111-2222-3333-4444-555555555555}\r\n" +
				"DialplanVersionStamp={" + ZeroStamp + "}\r\nSoftkeyVersionStamp={aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}\r\n"},
		{"service-control reset", EventServiceControl, ActionReset, "text/plain", "action=reset\r\n"},
		{"check-sync", EventCheckSync, ActionRestart, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := startPhone(t, 200, 0)
			s, err := NewSender(0)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			tg := Target{Device: "SEP0000DE000001", Addr: p.addr, Event: tc.event, Action: tc.action, Stamps: stamps}
			r := s.Send(context.Background(), tg)
			if r.Result != ResultAnswered || r.Status != 200 {
				t.Fatalf("result %+v, want answered 200", r)
			}
			got := p.requests()
			if len(got) != 1 {
				t.Fatalf("phone got %d NOTIFYs, want 1", len(got))
			}
			checkRequest(t, got[0], tg, tc.ctype, tc.body)
		})
	}
}

func checkRequest(t *testing.T, req *sip.Request, tg Target, ctype, body string) {
	t.Helper()
	wantLine := "NOTIFY sip:" + tg.Device + "@" + tg.Addr.String() + " SIP/2.0"
	if line := req.StartLine(); line != wantLine {
		t.Errorf("request line %q, want %q", line, wantLine)
	}
	if ev := header(req, "Event"); ev != tg.Event {
		t.Errorf("Event %q, want %q", ev, tg.Event)
	}
	if ct := header(req, "Content-Type"); ct != ctype {
		t.Errorf("Content-Type %q, want %q", ct, ctype)
	}
	if b := string(req.Body()); !strings.HasPrefix(b, body) || (body == "" && b != "") {
		t.Errorf("body %q, want %q", b, body)
	}
	if to := req.To(); to == nil || to.Address.User != tg.Device {
		t.Errorf("To %v, want the device %s", to, tg.Device)
	}
	if from := req.From(); from == nil || from.Params == nil || !from.Params.Has("tag") {
		t.Errorf("From %v, want one with a tag", from)
	}
	if id := req.CallID(); id == nil || id.Value() == "" {
		t.Error("no Call-ID")
	}
	if cs := req.CSeq(); cs == nil || cs.MethodName != sip.NOTIFY {
		t.Errorf("CSeq %v, want NOTIFY", cs)
	}
	if header(req, "Subscription-State") != "active" {
		t.Errorf("Subscription-State %q", header(req, "Subscription-State"))
	}
}

func TestSendResults(t *testing.T) {
	tests := []struct {
		name   string
		status int
		want   string
	}{
		{"ok", 200, ResultAnswered},
		{"busy", 486, ResultRejected},
		{"bad event", 489, ResultRejected},
		{"silent", 0, ResultNoAnswer},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := startPhone(t, tc.status, 0)
			s, err := NewSender(500 * time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			r := s.Send(context.Background(), Target{Device: "SEP0000DE000001", Addr: p.addr, Event: EventCheckSync})
			if r.Result != tc.want || r.Status != tc.status {
				t.Fatalf("result %+v, want %s %d", r, tc.want, tc.status)
			}
		})
	}
}

func TestSendNoAddress(t *testing.T) {
	s, err := NewSender(0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if r := s.Send(context.Background(), Target{Device: "SEP0000DE000001", Event: EventCheckSync}); r.Result != ResultNotSent {
		t.Fatalf("result %+v, want not-sent", r)
	}
}

// TestSendIPv6: a phone that fetched its files over IPv6 gets its NOTIFY
// there, its request URI bracketed.
func TestSendIPv6(t *testing.T) {
	p := startPhoneOn(t, "[::1]:0", 200, 0)
	s, err := NewSender(0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tg := Target{Device: "SEP0000DE000001", Addr: p.addr, Event: EventCheckSync}
	if r := s.Send(context.Background(), tg); r.Result != ResultAnswered {
		t.Fatalf("result %+v", r)
	}
	got := p.requests()
	if len(got) != 1 {
		t.Fatalf("phone got %d NOTIFYs", len(got))
	}
	checkRequest(t, got[0], tg, "", "")
}
