package device_test

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/admin"
	"cmtftp/internal/assembly"
	"cmtftp/internal/device"
	"cmtftp/internal/domain"
	"cmtftp/internal/sipnotify"
	"cmtftp/internal/timeline"
)

// TestSIPReset plays a phone that boots, listens for SIP on loopback, and
// is restarted from the server's admin API: the phone answers the NOTIFY
// its family takes, fetches its files again, and the server's timeline
// shows the NOTIFY and its answer, then the second fetch.
func TestSIPReset(t *testing.T) {
	tests := []struct {
		mac, model, event, config string
	}{
		{"0000DE000002", "7970", sipnotify.EventServiceControl, "SEP0000DE000002.cnf.xml"},
		{"0000DE000003", "7940", sipnotify.EventCheckSync, "SIP0000DE000003.cnf"},
	}
	for _, tc := range tests {
		t.Run(tc.model, func(t *testing.T) {
			phone, err := device.ListenSIP("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer phone.Close()
			site := domain.DemoSite()
			site.SIPProfiles[0].VoIPControlPort = int(phone.Addr().Port())
			s := startServer(t, site, nil, assembly.Config{AdminAddr: "127.0.0.1:0"})
			c := quick(device.Config{MAC: tc.mac, Model: tc.model, Protocol: "SIP", Servers: []netip.AddrPort{s.tftp}})
			if r := boot(t, c); !r.OK() {
				t.Fatalf("first boot: %s", text(r))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			type handled struct {
				note device.SIPNotify
				rep  *device.Report
			}
			got := make(chan handled, 1)
			go device.ServeResets(ctx, c, phone, 1, func(n device.SIPNotify, r *device.Report) { got <- handled{n, r} })
			api := &admin.Client{Base: "http://" + s.admin}
			res, err := api.Reset(ctx, admin.ResetRequest{Action: "restart", Devices: []string{"SEP" + tc.mac}})
			if err != nil {
				t.Fatal(err)
			}
			want := admin.ResetResult{Device: "SEP" + tc.mac, Protocol: "SIP", Target: phone.Addr().String(), Event: tc.event,
				Result: sipnotify.ResultAnswered, Status: 200, Detail: "OK"}
			if len(res) != 1 || res[0] != want {
				t.Fatalf("results %+v, want %+v", res, want)
			}
			var h handled
			select {
			case h = <-got:
			case <-ctx.Done():
				t.Fatal("the phone did not boot again")
			}
			checkNotify(t, h.note, tc.event)
			if !h.rep.OK() {
				t.Errorf("second boot: %s", text(h.rep))
			}
			checkTimeline(t, api, "SEP"+tc.mac, tc.event, tc.config)
		})
	}
}

func checkNotify(t *testing.T, n device.SIPNotify, event string) {
	t.Helper()
	if n.Event != event {
		t.Errorf("NOTIFY event %q, want %q", n.Event, event)
	}
	if event == sipnotify.EventServiceControl {
		if n.Action != "restart" || !strings.Contains(n.Body, "ConfigVersionStamp={") ||
			strings.Contains(n.Body, "ConfigVersionStamp={"+sipnotify.ZeroStamp+"}") {
			t.Errorf("service-control body %q: want action=restart and the configuration's stamp", n.Body)
		}
	} else if n.Body != "" {
		t.Errorf("check-sync with a body %q", n.Body)
	}
}

// checkTimeline checks that the device's timeline has the NOTIFY answered
// 200 and, after it, a fetch of its configuration file.
func checkTimeline(t *testing.T, api *admin.Client, device, event, config string) {
	t.Helper()
	var entries []timeline.Entry
	if err := api.GetJSON(context.Background(), "/api/v1/devices/"+device+"/timeline", &entries); err != nil {
		t.Fatal(err)
	}
	sipAt, fetches, after := -1, 0, 0
	for i, e := range entries {
		if e.Protocol == timeline.ProtocolSIP && e.Name == "NOTIFY "+event && e.Result == "200" {
			sipAt = i
		}
		if e.Name == config && e.Result == "completed" {
			fetches++
			if sipAt >= 0 {
				after++
			}
		}
	}
	if sipAt < 0 || fetches != 2 || after != 1 {
		t.Errorf("timeline: sip entry at %d, %d fetches of %s (%d after it): %+v", sipAt, fetches, config, after, entries)
	}
}

// TestSIPResetNotSent: an SCCP phone and a SIP phone not heard from are
// not sent anything, each with why.
func TestSIPResetNotSent(t *testing.T) {
	s := startServer(t, domain.DemoSite(), nil, assembly.Config{AdminAddr: "127.0.0.1:0"})
	api := &admin.Client{Base: "http://" + s.admin}
	res, err := api.Reset(context.Background(), admin.ResetRequest{Action: "reset", Devices: []string{"SEP0000DE000001", "SEP0000DE000006", "SEP0000DEFFFFFF"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ protocol, detail string }{
		{"SCCP", "SCCP phones are reset by their call-control server"},
		{"SIP", "not seen since the server started"},
		{"", "no such device"},
	}
	if len(res) != len(want) {
		t.Fatalf("results %+v", res)
	}
	for i, w := range want {
		if r := res[i]; r.Result != sipnotify.ResultNotSent || r.Protocol != w.protocol || !strings.Contains(r.Detail, w.detail) {
			t.Errorf("result %d: %+v, want not-sent %s %q", i, r, w.protocol, w.detail)
		}
	}
}

// TestSIPPhoneBadEvent: the emulated phone answers an event it does not
// know 489 Bad Event and does not act on it.
func TestSIPPhoneBadEvent(t *testing.T) {
	phone, err := device.ListenSIP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer phone.Close()
	s, err := sipnotify.NewSender(0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := s.Send(context.Background(), sipnotify.Target{Device: "SEP0000DE000002", Addr: phone.Addr(), Event: "message-summary"})
	if r.Result != sipnotify.ResultRejected || r.Status != 489 {
		t.Errorf("result %+v, want rejected 489", r)
	}
	select {
	case n := <-phone.Notifies():
		t.Errorf("acted on %+v", n)
	default:
	}
}

// TestSIPResetSelect: the devices of a pool, all devices, and those a
// change after a change ID touched (a SIP profile: the phones using it).
func TestSIPResetSelect(t *testing.T) {
	s := startServer(t, domain.DemoSite(), nil, assembly.Config{AdminAddr: "127.0.0.1:0"})
	api := &admin.Client{Base: "http://" + s.admin}
	ctx := context.Background()
	devices := func(q admin.ResetRequest) []string {
		t.Helper()
		res, err := api.Reset(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range res {
			out = append(out, r.Device)
		}
		return out
	}
	all := []string{"SEP0000DE000001", "SEP0000DE000002", "SEP0000DE000003", "SEP0000DE000004", "SEP0000DE000005",
		"SEP0000DE000006", "SEP0000DE000007"}
	if got := devices(admin.ResetRequest{Action: "restart", Pool: "Demo-Pool"}); !slices.Equal(got, all) {
		t.Errorf("pool: %v", got)
	}
	if got := devices(admin.ResetRequest{Action: "restart", All: true}); !slices.Equal(got, all) {
		t.Errorf("all: %v", got)
	}
	// The newest change: read the feed until it has nothing more (the
	// first wait is long: under load the feed delivers the log late).
	var last int64
	for wait := "10s"; ; wait = "500ms" {
		changes, err := api.Changes(ctx, last, wait)
		if err != nil {
			t.Fatalf("changes: %v", err)
		}
		if len(changes) == 0 {
			break
		}
		last = changes[len(changes)-1].ID
	}
	if last == 0 {
		t.Fatal("no changes in the feed after applying the demo site")
	}
	p := domain.DemoSite().SIPProfiles[0]
	p.VoIPControlPort = 5070
	if _, err := api.Put(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got := devices(admin.ResetRequest{Action: "restart", ChangedSince: last}); !slices.Equal(got, all[1:6]) {
		t.Errorf("changed since #%d (the SIP profile): %v, want %v", last, got, all[1:6])
	}
	_, err := api.Reset(ctx, admin.ResetRequest{Action: "restart", Pool: "No-Such-Pool"})
	var e *admin.Error
	if !errors.As(err, &e) || e.Status != 404 {
		t.Errorf("unknown pool: %v", err)
	}
}
