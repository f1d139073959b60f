package tftpd

import (
	"errors"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"cmtftp/internal/tftp"
)

// The machine's tables: each case starts a machine and feeds it events,
// checking the action each returns. No socket is involved.

var (
	t0       = time.Unix(1_000_000, 0)
	peerAddr = netip.MustParseAddrPort("192.0.2.7:40000")
)

// at is t0 plus d.
func at(d time.Duration) time.Time { return t0.Add(d) }

// testMachine is a machine for total blocks in windows of window, with a
// 1 s timeout, 3 retries and a minute's transfer limit, started at t0.
func testMachine(total int64, window int, oack bool) *machine {
	return &machine{
		peer: peerAddr, total: total, window: window, oack: oack,
		rto: time.Second, maxRetries: 3, deadline: at(time.Minute), stats: &Stats{},
	}
}

// event is something that happens to a machine.
type event struct {
	name string
	do   func(m *machine) action
}

func ack(blk uint16, d time.Duration) event {
	return event{"ACK " + strconv.Itoa(int(blk)), func(m *machine) action { return m.onPacket(tftp.AppendAck(nil, blk), peerAddr, at(d)) }}
}

func packet(name string, p []byte, from netip.AddrPort, d time.Duration) event {
	return event{name, func(m *machine) action { return m.onPacket(p, from, at(d)) }}
}

func timeout(d time.Duration) event {
	return event{"timeout at " + d.String(), func(m *machine) action { return m.onTimeout(at(d)) }}
}

var shutdown = event{"shutdown", func(m *machine) action { return m.onShutdown() }}

// blocks is the action that sends blocks first..last and wakes at wake.
func blocks(first, last int64, wake time.Duration) action {
	return action{send: sendBlocks, first: first, last: last, wake: at(wake)}
}

// probed is the action that sends blocks first..last, then block probe
// again to ask for an ACK, and wakes at wake.
func probed(first, last, probe int64, wake time.Duration) action {
	a := blocks(first, last, wake)
	a.probe = probe
	return a
}

// nothing is the action that changes nothing; the wake time stays.
func nothing(wake time.Duration) action { return action{wake: at(wake)} }

var completed = action{done: true, outcome: OutcomeCompleted}

func aborted(err error) action { return action{done: true, outcome: OutcomeAborted, err: err} }

func errorSent(msg string, err error) action {
	a := aborted(err)
	a.send, a.code, a.msg = sendError, tftp.ErrUndefined, msg
	return a
}

func stranger(to netip.AddrPort, wake time.Duration) action {
	return action{send: sendStranger, code: tftp.ErrUnknownTID, msg: unknownTIDMessage, to: to, wake: at(wake)}
}

// step is an event and the action it must return.
type step struct {
	ev   event
	want action
}

// machineCase is a machine, the action of its start, and the steps after.
type machineCase struct {
	name  string
	m     *machine
	start action
	steps []step
}

func runMachineCases(t *testing.T, cases []machineCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkAction(t, "start", c.m.start(t0), c.start)
			for _, s := range c.steps {
				checkAction(t, s.ev.name, s.ev.do(c.m), s.want)
			}
		})
	}
}

func checkAction(t *testing.T, what string, got, want action) {
	t.Helper()
	errOK := (want.err == nil && got.err == nil) || (want.err != nil && errors.Is(got.err, want.err))
	gotErr, wantErr := got.err, want.err
	got.err, want.err = nil, nil
	if got != want || !errOK {
		t.Fatalf("%s:\n got  %+v (err %v)\n want %+v (err %v)", what, got, gotErr, want, wantErr)
	}
}

func TestMachineStart(t *testing.T) {
	short := testMachine(3, 1, false)
	short.deadline = at(300 * time.Millisecond)
	runMachineCases(t, []machineCase{
		{"lockstep sends block 1", testMachine(3, 1, false), blocks(1, 1, time.Second), nil},
		{"a window sends its blocks", testMachine(10, 4, false), blocks(1, 4, time.Second), nil},
		{"a window larger than the file", testMachine(2, 8, false), blocks(1, 2, time.Second), nil},
		{"options: the OACK alone", testMachine(10, 4, true), blocks(0, 0, time.Second), nil},
		{"the transfer limit comes first", short, blocks(1, 1, 300*time.Millisecond), nil},
	})
}

func TestMachineAck(t *testing.T) {
	runMachineCases(t, []machineCase{
		{"first ACK sends the next block", testMachine(3, 1, false), blocks(1, 1, time.Second), []step{
			{ack(1, 10*time.Millisecond), blocks(2, 2, 1010*time.Millisecond)},
		}},
		{"duplicate ACK changes nothing", testMachine(3, 1, false), blocks(1, 1, time.Second), []step{
			{ack(1, 10*time.Millisecond), blocks(2, 2, 1010*time.Millisecond)},
			{ack(1, 20*time.Millisecond), nothing(1010 * time.Millisecond)},
			{ack(0, 30*time.Millisecond), nothing(1010 * time.Millisecond)},
		}},
		{"future ACK changes nothing", testMachine(3, 1, false), blocks(1, 1, time.Second), []step{
			{ack(3, 10*time.Millisecond), nothing(time.Second)},
			{ack(2, 10*time.Millisecond), nothing(time.Second)},
		}},
		{"last ACK completes", testMachine(2, 1, false), blocks(1, 1, time.Second), []step{
			{ack(1, 10*time.Millisecond), blocks(2, 2, 1010*time.Millisecond)},
			{ack(2, 20*time.Millisecond), completed},
		}},
		// Windows wake first for their tail probe (window.go), at twice the
		// time the last took to be acknowledged.
		{"ACK of a window sends the next", testMachine(10, 4, false), blocks(1, 4, time.Second), []step{
			{ack(4, 10*time.Millisecond), blocks(5, 8, 30*time.Millisecond)},
			{ack(8, 20*time.Millisecond), blocks(9, 10, 40*time.Millisecond)},
			{ack(10, 30*time.Millisecond), completed},
		}},
		{"ACK inside a window restarts after it, halved", testMachine(10, 4, false), blocks(1, 4, time.Second), []step{
			{ack(2, 10*time.Millisecond), probed(3, 4, 2, 30*time.Millisecond)},
			{ack(2, 20*time.Millisecond), nothing(30 * time.Millisecond)},
			{ack(5, 20*time.Millisecond), nothing(30 * time.Millisecond)}, // not sent yet
		}},
		{"OACK then ACK 0", testMachine(2, 1, true), blocks(0, 0, time.Second), []step{
			{ack(1, 10*time.Millisecond), nothing(time.Second)}, // no DATA before ACK 0
			{ack(0, 20*time.Millisecond), blocks(1, 1, 1020*time.Millisecond)},
			{ack(1, 30*time.Millisecond), blocks(2, 2, 1030*time.Millisecond)},
			{ack(2, 40*time.Millisecond), completed},
		}},
	})
}

// TestMachineBlockWrap: block numbers wrap past 65535; an ACK is read
// relative to the last block acknowledged, lockstep and windowed.
func TestMachineBlockWrap(t *testing.T) {
	for _, window := range []int{1, 64} {
		m := testMachine(2*65536+10, window, false)
		a := m.start(t0)
		for a.send == sendBlocks {
			if a.last < a.first || a.last-a.first >= int64(window) {
				t.Fatalf("window %d: sent %d..%d", window, a.first, a.last)
			}
			a = m.onPacket(tftp.AppendAck(nil, uint16(a.last)), peerAddr, t0)
		}
		if a != completed || m.acked != m.total || m.stats.SegmentsAcked.Load() != uint64(m.total) {
			t.Fatalf("window %d: ended with %+v, %d of %d blocks acknowledged", window, a, m.acked, m.total)
		}
	}
	// An ACK inside a window that straddles the wrap (every event at t0:
	// the tail probes are due a millisecond after each window).
	m := testMachine(70000, 64, false)
	m.start(t0)
	m.acked, m.end, m.high = 65500, 65564, 65564
	checkAction(t, "ACK 65530 (a gap)", m.onPacket(tftp.AppendAck(nil, 65530), peerAddr, t0), probed(65531, 65562, 65530, time.Millisecond))
	checkAction(t, "ACK 4 (65540, a gap)", m.onPacket(tftp.AppendAck(nil, 4), peerAddr, t0), probed(65541, 65556, 65540, time.Millisecond))
	checkAction(t, "ACK 65535 (stale)", m.onPacket(tftp.AppendAck(nil, 65535), peerAddr, t0), nothing(time.Millisecond))
	checkAction(t, "ACK 20 (65556, whole)", m.onPacket(tftp.AppendAck(nil, 20), peerAddr, t0), probed(65557, 65573, 65556, time.Millisecond))
	checkAction(t, "ACK 37 (65573, whole)", m.onPacket(tftp.AppendAck(nil, 37), peerAddr, t0), probed(65574, 65591, 65573, time.Millisecond))
}

func TestMachineTimeout(t *testing.T) {
	fixed := testMachine(3, 1, false)
	fixed.fixedRTO = true
	fast := testMachine(3, 1, false)
	fast.rto = 20 * time.Millisecond
	fixed5 := testMachine(3, 1, false)
	fixed5.rto, fixed5.fixedRTO = 5*time.Second, true
	limited := testMachine(3, 1, false)
	limited.maxRetries, limited.deadline = 100, at(2500*time.Millisecond)
	runMachineCases(t, []machineCase{
		{"before the wake time nothing happens", testMachine(3, 1, false), blocks(1, 1, time.Second), []step{
			{timeout(999 * time.Millisecond), nothing(time.Second)},
		}},
		{"an unverified peer gets one resend, then the transfer ends", testMachine(3, 1, false), blocks(1, 1, time.Second), []step{
			{timeout(time.Second), blocks(1, 1, 3*time.Second)},
			{timeout(3 * time.Second), aborted(errRetries)},
		}},
		{"an unverified peer's own timeout is waited for 2 s at most", fixed5, blocks(1, 1, 2*time.Second), []step{
			{timeout(2 * time.Second), blocks(1, 1, 4*time.Second)},
			{timeout(4 * time.Second), aborted(errRetries)},
		}},
		{"after the resend an unverified peer has 2 s to answer, however short the timeout", fast, blocks(1, 1, 20*time.Millisecond), []step{
			{timeout(20 * time.Millisecond), blocks(1, 1, 2020*time.Millisecond)},
			{ack(1, 2*time.Second), blocks(2, 2, 2020*time.Millisecond)},
		}},
		{"an unanswered OACK goes once more, then the transfer ends", testMachine(3, 1, true), blocks(0, 0, time.Second), []step{
			{timeout(time.Second), blocks(0, 0, 3*time.Second)},
			{timeout(3 * time.Second), aborted(errRetries)},
		}},
		{"once verified, retries back off, then give up", testMachine(3, 1, false), blocks(1, 1, time.Second), []step{
			{ack(1, 500*time.Millisecond), blocks(2, 2, 1500*time.Millisecond)},
			{timeout(1500 * time.Millisecond), blocks(2, 2, 3500*time.Millisecond)},
			{timeout(3500 * time.Millisecond), blocks(2, 2, 7500*time.Millisecond)},
			{timeout(7500 * time.Millisecond), blocks(2, 2, 15500*time.Millisecond)},
			{timeout(15500 * time.Millisecond), aborted(errRetries)},
		}},
		{"a client's timeout does not back off", fixed, blocks(1, 1, time.Second), []step{
			{ack(1, 500*time.Millisecond), blocks(2, 2, 1500*time.Millisecond)},
			{timeout(1500 * time.Millisecond), blocks(2, 2, 2500*time.Millisecond)},
			{timeout(2500 * time.Millisecond), blocks(2, 2, 3500*time.Millisecond)},
		}},
		{"an ACK ends the backoff", testMachine(3, 1, false), blocks(1, 1, time.Second), []step{
			{timeout(time.Second), blocks(1, 1, 3*time.Second)},
			{ack(1, 2*time.Second), blocks(2, 2, 3*time.Second)},
			{timeout(3 * time.Second), blocks(2, 2, 5*time.Second)},
		}},
		{"the window goes again from the last ACK, halved", testMachine(10, 4, false), blocks(1, 4, time.Second), []step{
			{ack(2, 10*time.Millisecond), probed(3, 4, 2, 30*time.Millisecond)},
			{timeout(1010 * time.Millisecond), probed(3, 3, 2, 3010*time.Millisecond)},
		}},
		{"an unanswered OACK goes again", testMachine(3, 1, true), blocks(0, 0, time.Second), []step{
			{timeout(time.Second), blocks(0, 0, 3*time.Second)},
			{ack(0, 3*time.Second), blocks(1, 1, 4*time.Second)},
		}},
		{"the transfer limit", limited, blocks(1, 1, time.Second), []step{
			{timeout(time.Second), blocks(1, 1, 2500*time.Millisecond)},
			{timeout(2500 * time.Millisecond), errorSent(timedOutMessage, errTransferTimeout)},
		}},
	})
	// The backoff stops at 8 times the first timeout.
	m := testMachine(3, 1, false)
	m.maxRetries = 10
	a := m.start(t0)
	a = m.onPacket(tftp.AppendAck(nil, 1), peerAddr, t0)
	for range 6 {
		a = m.onTimeout(a.wake)
	}
	if m.cur != 8*time.Second || m.stats.Retransmits.Load() != 6 {
		t.Fatalf("after 6 timeouts: timeout %v, %d retransmits", m.cur, m.stats.Retransmits.Load())
	}
}

func TestMachinePeer(t *testing.T) {
	otherPort := netip.AddrPortFrom(peerAddr.Addr(), 40001)
	otherHost := netip.MustParseAddrPort("192.0.2.8:40000")
	mapped := netip.AddrPortFrom(netip.AddrFrom16(peerAddr.Addr().As16()), peerAddr.Port())
	ackFrom := func(from netip.AddrPort, blk uint16) event {
		return packet("ACK from "+from.String(), tftp.AppendAck(nil, blk), from, 10*time.Millisecond)
	}
	runMachineCases(t, []machineCase{
		{"ERROR from the peer ends the transfer", testMachine(3, 1, false), blocks(1, 1, time.Second), []step{
			{packet("ERROR", tftp.AppendError(nil, tftp.ErrUndefined, "cancelled"), peerAddr, 0), aborted(errPeer)},
		}},
		{"wrong port gets ERROR 5, the transfer goes on", testMachine(3, 1, false), blocks(1, 1, time.Second), []step{
			{ackFrom(otherPort, 1), stranger(otherPort, time.Second)},
			{ack(1, 20*time.Millisecond), blocks(2, 2, 1020*time.Millisecond)},
		}},
		{"wrong host gets ERROR 5", testMachine(3, 1, false), blocks(1, 1, time.Second), []step{
			{ackFrom(otherHost, 1), stranger(otherHost, time.Second)},
			{packet("ERROR from a stranger", tftp.AppendError(nil, 0, "x"), otherHost, 0), stranger(otherHost, time.Second)},
		}},
		{"the peer's address IPv4-mapped is the peer", testMachine(3, 1, false), blocks(1, 1, time.Second), []step{
			{ackFrom(mapped, 1), blocks(2, 2, 1010*time.Millisecond)},
		}},
		{"other packets from the peer are ignored", testMachine(3, 1, false), blocks(1, 1, time.Second), []step{
			{packet("DATA", tftp.AppendData(nil, 1, []byte("x")), peerAddr, 0), nothing(time.Second)},
			{packet("short ACK", []byte{0, 4, 0}, peerAddr, 0), nothing(time.Second)},
			{packet("OACK", tftp.AppendOACK(nil, tftp.Options{BlockSize: 1024}), peerAddr, 0), nothing(time.Second)},
			{packet("empty", nil, peerAddr, 0), nothing(time.Second)},
		}},
	})
	m := testMachine(3, 1, false)
	m.start(t0)
	m.onPacket(tftp.AppendAck(nil, 1), otherPort, t0)
	if n := m.stats.UnknownTID.Load(); n != 1 {
		t.Fatalf("UnknownTID = %d", n)
	}
}

func TestSamePeer(t *testing.T) {
	v4 := netip.MustParseAddrPort("192.0.2.7:69")
	v4in6 := netip.MustParseAddrPort("[::ffff:192.0.2.7]:69")
	for _, tc := range []struct {
		a, b netip.AddrPort
		want bool
	}{
		{v4, v4, true},
		{v4in6, v4, true},
		{v4, v4in6, true},
		{v4in6, v4in6, true},
		{v4, netip.MustParseAddrPort("192.0.2.7:70"), false},
		{v4in6, netip.MustParseAddrPort("192.0.2.8:69"), false},
		{netip.MustParseAddrPort("[2001:db8::1]:69"), netip.MustParseAddrPort("[2001:db8::1]:69"), true},
		{netip.MustParseAddrPort("[2001:db8::1]:69"), netip.MustParseAddrPort("[2001:db8::2]:69"), false},
	} {
		if got := samePeer(tc.a, tc.b); got != tc.want {
			t.Errorf("samePeer(%v, %v) = %v", tc.a, tc.b, got)
		}
	}
}

func TestMachineShutdown(t *testing.T) {
	runMachineCases(t, []machineCase{
		{"mid-transfer", testMachine(3, 1, false), blocks(1, 1, time.Second), []step{
			{ack(1, 10*time.Millisecond), blocks(2, 2, 1010*time.Millisecond)},
			{shutdown, errorSent(shutdownMessage, errShutdown)},
		}},
		{"while the OACK is unanswered", testMachine(3, 1, true), blocks(0, 0, time.Second), []step{
			{shutdown, errorSent(shutdownMessage, errShutdown)},
		}},
	})
}
