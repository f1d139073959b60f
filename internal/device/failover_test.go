package device_test

import (
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/assembly"
	"cmtftp/internal/device"
	"cmtftp/internal/domain"
	"cmtftp/internal/tftp"
)

// TestSilentFirstServer: the first server answers nothing, so after the
// device's timeout the second is used, and the rest of the boot stays on
// it: the first receives only the first request and its resends.
func TestSilentFirstServer(t *testing.T) {
	s := startServer(t, domain.DemoSite(), nil, assembly.Config{})
	silent := newSilentServer(t)
	r := boot(t, device.Config{MAC: "0000DE000002", Model: "7970", Protocol: "SIP", Servers: []netip.AddrPort{silent.addr, s.tftp}})
	if !r.OK() {
		t.Fatalf("%s: %s\n%s", r.Cause, r.Detail, text(r))
	}
	first := r.Steps[0]
	if first.Server != silent.addr.String() || first.Outcome != device.TimedOut || first.Name != "CTLFile.tlv" {
		t.Errorf("first step %+v, want a timeout on %s", first, silent.addr)
	}
	for _, st := range r.Steps[1:] {
		if st.Server != s.tftp.String() {
			t.Errorf("%s went to %s after the failover", st.Name, st.Server)
		}
	}
	if r.Server != s.tftp.String() {
		t.Errorf("ended on %s, want %s", r.Server, s.tftp)
	}
	// One request and its resends.
	if n := silent.received(); n != quickRetries+1 {
		t.Errorf("the silent server received %d datagrams, want %d", n, quickRetries+1)
	}
}

// TestNoServerAnswers: when no server answers the device is not
// configured, and says so.
func TestNoServerAnswers(t *testing.T) {
	a, b := newSilentServer(t), newSilentServer(t)
	r := boot(t, device.Config{MAC: "0000DE000007", Model: "12SP+", Servers: []netip.AddrPort{a.addr, b.addr}})
	if r.OK() || r.Cause != device.CauseNoAnswer {
		t.Fatalf("%s %s: %s, want %q", r.Outcome, r.Cause, r.Detail, device.CauseNoAnswer)
	}
	if len(r.Steps) != 2 || r.Steps[0].Server != a.addr.String() || r.Steps[1].Server != b.addr.String() {
		t.Errorf("steps %+v: want one timeout on each server", r.Steps)
	}
}

// TestBusyRetriesSameServer: the first server is busy (its one serving
// slot held by a transfer nobody acknowledges), so the device waits and
// asks it again — never the second server, which counts no request — and
// ends configured from the first once the slot frees.
func TestBusyRetriesSameServer(t *testing.T) {
	s := startServer(t, domain.DemoSite(), nil, assembly.Config{MaxServingCount: 1, Timeout: 100 * time.Millisecond, Retries: 3})
	holdSlot(t, s.tftp)
	second := newSilentServer(t)
	c := device.Config{MAC: "0000DE000001", Model: "7961", Servers: []netip.AddrPort{s.tftp, second.addr}, MaxBusyRetries: 200}
	r := boot(t, c)
	if !r.OK() {
		t.Fatalf("%s: %s\n%s", r.Cause, r.Detail, text(r))
	}
	busy := 0
	for _, st := range r.Steps {
		if st.Server != s.tftp.String() {
			t.Errorf("%s asked of %s", st.Name, st.Server)
		}
		if st.Outcome == device.BusyRetry {
			busy++
		}
	}
	if busy == 0 || r.Steps[0].Outcome != device.BusyRetry {
		t.Errorf("%d busy answers, first step %s: the slot was not held\n%s", busy, r.Steps[0].Outcome, text(r))
	}
	if n := second.received(); n != 0 {
		t.Errorf("the second server received %d requests, want none", n)
	}
}

// holdSlot takes the server's serving slot with a transfer whose first
// block is never acknowledged: the server keeps it until its retries run
// out.
func holdSlot(t *testing.T, server netip.AddrPort) {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.WriteToUDPAddrPort(tftp.AppendRequest(nil, tftp.OpRRQ, domain.DemoLargeArchive, tftp.ModeOctet, tftp.Options{}), server); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1024)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _, err := c.ReadFromUDPAddrPort(buf)
	if err != nil {
		t.Fatalf("holding the slot: %v", err)
	}
	if op, _ := tftp.PeekOpcode(buf[:n]); op != tftp.OpDATA {
		t.Fatalf("holding the slot: got %q, want DATA 1", buf[:n])
	}
}

// TestBusyPastTheBound: a server that stays busy ends the boot with that
// cause, after MaxBusyRetries: the request and three retries.
func TestBusyPastTheBound(t *testing.T) {
	s := startServer(t, domain.DemoSite(), nil, assembly.Config{MaxServingCount: 1, Timeout: 2 * time.Second, Retries: 5})
	holdSlot(t, s.tftp)
	r := boot(t, device.Config{MAC: "0000DE000007", Model: "12SP+", Servers: []netip.AddrPort{s.tftp}, MaxBusyRetries: 3})
	if r.OK() || r.Cause != device.CauseBusy {
		t.Fatalf("%s %s: %s, want %q", r.Outcome, r.Cause, r.Detail, device.CauseBusy)
	}
	var outcomes []device.Outcome
	for _, st := range r.Steps {
		outcomes = append(outcomes, st.Outcome)
	}
	if want := slices.Repeat([]device.Outcome{device.BusyRetry}, 4); !slices.Equal(outcomes, want) {
		t.Errorf("outcomes %q, want %q", outcomes, want)
	}
}

// TestBrokenExchangeIsNoSilence: a server that answers, but wrongly, is a
// request that failed on that server — an error with the reason, and
// never the second server, which counts no request. Only a silence moves
// the device on.
func TestBrokenExchangeIsNoSilence(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(req []byte) [][]byte // nil: no first server to answer
		local  netip.Addr
		want   string
	}{
		{"OACK for options not asked", func([]byte) [][]byte {
			return [][]byte{tftp.AppendOACK(nil, tftp.Options{WindowSize: 8})} // the device asks blksize only
		}, netip.Addr{}, "options not asked for"},
		{"block larger than agreed", func([]byte) [][]byte {
			return [][]byte{tftp.AppendData(nil, 1, make([]byte, 600))} // no OACK: 512-byte blocks
		}, netip.Addr{}, "exceeds blksize"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first := netip.MustParseAddrPort("127.0.0.1:9") // never reached
			var scripted *scriptedServer
			if tc.answer != nil {
				scripted = newScriptedServer(t, tc.answer)
				first = scripted.addr
			}
			second := newSilentServer(t)
			r := boot(t, device.Config{MAC: "0000DE000007", Model: "12SP+", Servers: []netip.AddrPort{first, second.addr}, LocalAddr: tc.local})
			if r.OK() || r.Cause != device.CauseServerError {
				t.Fatalf("%s %q: %s, want %q\n%s", r.Outcome, r.Cause, r.Detail, device.CauseServerError, text(r))
			}
			if len(r.Steps) != 1 || r.Steps[0].Server != first.String() || r.Steps[0].Outcome != device.Failed || !strings.Contains(r.Steps[0].Note, tc.want) {
				t.Errorf("steps %+v: want one error %q on %s", r.Steps, tc.want, first)
			}
			if scripted != nil && scripted.requests.Load() != 1 {
				t.Errorf("the first server received %d requests, want 1", scripted.requests.Load())
			}
			if n := second.received(); n != 0 {
				t.Errorf("the second server received %d requests, want none", n)
			}
		})
	}
}

// TestHTTPBusyRetriesSameServer: over HTTP too, busy (503 with
// Retry-After, the one serving slot held by a TFTP transfer: TFTP and
// HTTP share the slots) means wait and ask the same server again, over
// HTTP — never the second server, which counts no request over HTTP or
// TFTP — and the device ends configured once the slot frees.
func TestHTTPBusyRetriesSameServer(t *testing.T) {
	s := startServer(t, domain.DemoSite(), nil, assembly.Config{MaxServingCount: 1, Timeout: 100 * time.Millisecond, Retries: 3})
	holdSlot(t, s.tftp)
	// The second server is on 127.0.0.2, its HTTP port the first's.
	secondTFTP := newSilentServerOn(t, "127.0.0.2")
	secondHTTP := newTCPServer(t, net.JoinHostPort("127.0.0.2", strconv.Itoa(s.httpPort)), func(c net.Conn) {})
	c := device.Config{MAC: "0000DE000001", Model: "7961", Servers: []netip.AddrPort{s.tftp, secondTFTP.addr},
		Via: device.ViaHTTP, HTTPPort: s.httpPort, MaxBusyRetries: 200}
	r := boot(t, c)
	if !r.OK() {
		t.Fatalf("%s: %s\n%s", r.Cause, r.Detail, text(r))
	}
	first := netip.AddrPortFrom(s.tftp.Addr(), uint16(s.httpPort)).String()
	for _, st := range r.Steps {
		if st.Server != first || st.Proto != "http" {
			t.Errorf("%s asked of %s over %s, want %s over http", st.Name, st.Server, st.Proto, first)
		}
	}
	if r.Steps[0].Outcome != device.BusyRetry || !slices.ContainsFunc(r.Steps, func(st device.Step) bool {
		return st.Name == r.Steps[0].Name && st.Outcome != device.BusyRetry
	}) {
		t.Errorf("first step %s: want busy, then the same file answered\n%s", r.Steps[0].Outcome, text(r))
	}
	if n, m := secondTFTP.received(), secondHTTP.conns.Load(); n != 0 || m != 0 {
		t.Errorf("the second server received %d TFTP requests and %d HTTP connections, want none", n, m)
	}
}

// TestUnsendable: a request the device cannot send (its local address is
// on no interface here: TEST-NET-1) reaches no server — no response, as a
// silence is: each server is tried in turn, none is taken as the one that
// answered, and the boot ends with no server answering.
func TestUnsendable(t *testing.T) {
	second := newSilentServer(t)
	r := boot(t, device.Config{MAC: "0000DE000007", Model: "12SP+", LocalAddr: netip.MustParseAddr("192.0.2.1"),
		Servers: []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:9"), second.addr}})
	if r.OK() || r.Cause != device.CauseNoAnswer || r.Server != "" {
		t.Fatalf("%s %q from %q: %s, want %q from no server\n%s", r.Outcome, r.Cause, r.Server, r.Detail, device.CauseNoAnswer, text(r))
	}
	if len(r.Steps) != 2 {
		t.Fatalf("steps %+v: want one per server", r.Steps)
	}
	for _, st := range r.Steps {
		if st.Outcome != device.TimedOut || !strings.Contains(st.Note, "could not be sent") {
			t.Errorf("step %+v: want a timeout saying the request could not be sent", st)
		}
	}
	if n := second.received(); n != 0 {
		t.Errorf("the second server received %d requests, want none", n)
	}
}
