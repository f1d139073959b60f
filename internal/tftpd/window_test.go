package tftpd

import (
	"testing"
	"time"

	"cmtftp/internal/tftp"
)

// windowMachine is a machine for total blocks whose OACK negotiated window
// blocks, with a send buffer of flight packets (0: no limit). Its
// retransmission timeout, 10 ms, is short beside the 10 ms between the
// events of the cases below: no tail probe is due before a timeout, and
// the cases follow the window alone (TestMachineTailProbe has the probes).
func windowMachine(total int64, window, flight int) *machine {
	m := testMachine(total, window, true)
	m.flight, m.rto = flight, 10*time.Millisecond
	return m
}

// ms is n milliseconds.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// TestMachineWindow: the window the machine sends shrinks on a timeout or
// a gap and grows back by a block per window acknowledged whole, never past
// the negotiated windowsize nor the send buffer; a window shorter than the
// negotiated one ends with a probe (window.go).
func TestMachineWindow(t *testing.T) {
	runMachineCases(t, []machineCase{
		{"a timeout halves the window", windowMachine(100, 8, 0), blocks(0, 0, ms(10)), []step{
			{ack(0, ms(10)), blocks(1, 8, ms(20))},
			{timeout(ms(20)), probed(1, 4, 1, ms(40))},
			{timeout(ms(40)), probed(1, 2, 1, ms(80))},
			{timeout(ms(80)), probed(1, 1, 1, ms(160))},
		}},
		{"the window stays one block at least", windowMachine(100, 2, 0), blocks(0, 0, ms(10)), []step{
			{ack(0, ms(10)), blocks(1, 2, ms(20))},
			{ack(2, ms(20)), blocks(3, 4, ms(30))},
			{timeout(ms(30)), probed(3, 3, 2, ms(50))},
			{timeout(ms(50)), probed(3, 3, 2, ms(90))},
		}},
		{"a gap halves the window", windowMachine(100, 8, 0), blocks(0, 0, ms(10)), []step{
			{ack(0, ms(10)), blocks(1, 8, ms(20))},
			{ack(5, ms(20)), probed(6, 9, 5, ms(30))},
			{ack(7, ms(30)), probed(8, 9, 7, ms(40))},
		}},
		{"whole windows grow it back to the negotiated size, not past", windowMachine(100, 4, 0), blocks(0, 0, ms(10)), []step{
			{ack(0, ms(10)), blocks(1, 4, ms(20))},
			{ack(2, ms(20)), probed(3, 4, 2, ms(30))},
			{ack(4, ms(30)), probed(5, 7, 4, ms(40))},
			{ack(7, ms(40)), blocks(8, 11, ms(50))},
			{ack(11, ms(50)), blocks(12, 15, ms(60))},
		}},
		{"a window that ends the file needs no probe", windowMachine(6, 8, 0), blocks(0, 0, ms(10)), []step{
			{ack(0, ms(10)), blocks(1, 6, ms(20))},
			{ack(3, ms(20)), blocks(4, 6, ms(30))},
			{ack(6, ms(30)), completed},
		}},
		{"the send buffer caps the window, probe included", windowMachine(100, 8, 3), blocks(0, 0, ms(10)), []step{
			{ack(0, ms(10)), probed(1, 2, 1, ms(20))},
			{ack(2, ms(20)), probed(3, 4, 2, ms(30))},
		}},
		{"a send buffer of one packet still sends a block", windowMachine(100, 8, 1), blocks(0, 0, ms(10)), []step{
			{ack(0, ms(10)), probed(1, 1, 1, ms(20))},
			{ack(1, ms(20)), probed(2, 2, 1, ms(30))},
		}},
		{"a send buffer larger than the window does not widen it", windowMachine(100, 4, 50), blocks(0, 0, ms(10)), []step{
			{ack(0, ms(10)), blocks(1, 4, ms(20))},
			{ack(4, ms(20)), blocks(5, 8, ms(30))},
		}},
		{"an ACK past a window shrunk by a timeout moves on", windowMachine(100, 8, 0), blocks(0, 0, ms(10)), []step{
			{ack(0, ms(10)), blocks(1, 8, ms(20))},
			{timeout(ms(20)), probed(1, 4, 1, ms(40))},
			{ack(8, ms(30)), probed(9, 12, 8, ms(40))},
			{ack(13, ms(35)), nothing(ms(40))}, // never sent
		}},
		{"lockstep never probes", testMachine(10, 1, false), blocks(1, 1, time.Second), []step{
			{ack(1, ms(10)), blocks(2, 2, ms(1010))},
			{timeout(ms(1010)), blocks(2, 2, ms(3010))},
		}},
	})
}

// TestMachineTailProbe: when a window's ACK is late by twice the time
// windows have taken to be acknowledged, the probe block goes again, and
// again after twice the wait, three times at most; the timeout stays
// (window.go).
func TestMachineTailProbe(t *testing.T) {
	slow := testMachine(100, 8, true)
	slow.rto = 3 * time.Millisecond
	runMachineCases(t, []machineCase{
		{"twice the OACK's time to its ACK", testMachine(100, 8, true), blocks(0, 0, time.Second), []step{
			{ack(0, ms(1)), blocks(1, 8, ms(3))},
			{timeout(ms(2)), nothing(ms(3))},
			{timeout(ms(3)), blocks(1, 1, ms(7))}, // the probe block: 1 before any ACK
			{timeout(ms(4)), nothing(ms(7))},
			{timeout(ms(7)), blocks(1, 1, ms(15))},
			{timeout(ms(15)), blocks(1, 1, ms(1001))},      // the third and last
			{timeout(ms(1001)), probed(1, 4, 1, ms(3001))}, // none after a timeout
		}},
		{"an ACK after a tail probe is not timed", testMachine(100, 8, true), blocks(0, 0, time.Second), []step{
			{ack(0, ms(1)), blocks(1, 8, ms(3))},
			{timeout(ms(3)), blocks(1, 1, ms(7))},
			{ack(8, ms(50)), blocks(9, 16, ms(52))},
		}},
		{"windows are timed", testMachine(100, 8, true), blocks(0, 0, time.Second), []step{
			{ack(0, ms(1)), blocks(1, 8, ms(3))},
			{ack(8, ms(2)), blocks(9, 16, ms(2)+2*time.Millisecond)}, // 1 ms again
			{ack(16, ms(11)), blocks(17, 24, ms(11)+2*(time.Millisecond+ms(8)/8))},
		}},
		{"the least wait", testMachine(100, 8, true), blocks(0, 0, time.Second), []step{
			{ack(0, 100*time.Microsecond), blocks(1, 8, 1100*time.Microsecond)},
		}},
		{"none that would come late beside the timeout", slow, blocks(0, 0, ms(3)), []step{
			{ack(0, ms(1)), blocks(1, 8, ms(4))},
		}},
		{"an ACK after a tail probe does not grow the window", testMachine(100, 8, true), blocks(0, 0, time.Second), []step{
			{ack(0, ms(1)), blocks(1, 8, ms(3))},
			{ack(5, ms(2)), probed(6, 9, 5, ms(4))}, // a gap: 4 blocks
			{timeout(ms(4)), blocks(5, 5, ms(8))},
			{ack(9, ms(5)), probed(10, 13, 9, ms(7))}, // whole, but only after the probe: still 4
		}},
	})
}

// TestMachineWindowLossyClient drives the machine with a simulated client
// whose receive buffer holds buffered blocks of a window (the rest are
// lost): a window that overruns it comes back as a gap and the window
// shrinks to fit, past the block number's wrap, and the transfer completes
// with every window within the negotiated size and the send buffer.
func TestMachineWindowLossyClient(t *testing.T) {
	const window, flight, buffered = 64, 40, 12
	m := windowMachine(2*65536+100, window, flight)
	a := m.start(t0)
	a = m.onPacket(tftp.AppendAck(nil, 0), peerAddr, t0)
	var next int64 = 1 // the client's next block
	windows, shrunk := 0, 0
	for a.send == sendBlocks && windows < 100000 {
		windows++
		n := a.last - a.first + 1
		if a.probe != 0 {
			n++
		}
		if n > flight || a.last-a.first+1 > window {
			t.Fatalf("window %d..%d probe %d: %d packets, over the limits", a.first, a.last, a.probe, n)
		}
		if a.first != next {
			t.Fatalf("window starts at %d, client expects %d", a.first, next)
		}
		got := min(a.last, a.first+buffered-1) // what the client's buffer held
		if got < a.last {
			shrunk++
		}
		next = got + 1
		a = m.onPacket(tftp.AppendAck(nil, uint16(got)), peerAddr, t0)
	}
	if a != completed {
		t.Fatalf("ended with %+v after %d windows", a, windows)
	}
	if avg := float64(m.total) / float64(windows); avg < buffered/2 || shrunk > windows/4 {
		t.Fatalf("%d windows (%.1f blocks each), %d overran the client", windows, avg, shrunk)
	}
}
