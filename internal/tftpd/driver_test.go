package tftpd

import (
	"runtime"
	"testing"
	"time"

	"cmtftp/internal/tftp"
)

// TestGoroutineDriver runs the lockstep tests again with every transfer on
// its own goroutine: on Linux they otherwise exercise the event loop, and
// both drivers share the state machine but not the waiting.
func TestGoroutineDriver(t *testing.T) {
	goroutineDriver = true
	t.Cleanup(func() { goroutineDriver = false })
	for name, test := range map[string]func(*testing.T){
		"SizesAndOptions":               TestSizesAndOptions,
		"LostAck":                       TestLostAck,
		"DuplicateAckNoResend":          TestDuplicateAckNoResend,
		"FutureAckIgnored":              TestFutureAckIgnored,
		"WrongTID":                      TestWrongTID,
		"RetriesExhausted":              TestRetriesExhausted,
		"TransferTimeout":               TestTransferTimeout,
		"MaxServingCount":               TestMaxServingCount,
		"ShutdownMidTransfer":           TestShutdownMidTransfer,
		"ShutdownWaitsForCompletion":    TestShutdownWaitsForCompletion,
		"SlotsAlwaysReturn":             TestSlotsAlwaysReturn,
		"DuplicateAcksDoNotDelayResend": TestDuplicateAcksDoNotDelayResend,
	} {
		t.Run(name, test)
	}
}

// TestDriverChoice: a lockstep transfer of a file held in memory is on the
// event loop (where there is one), a windowed one is not.
func TestDriverChoice(t *testing.T) {
	s, addr := testServer(t, "udp4", map[string][]byte{"f": randomBytes(t, 1500)}, func(s *Server) { s.Timeout = time.Second })
	for _, tc := range []struct {
		opts tftp.Options
		want int
	}{
		{tftp.Options{}, onLinux},
		{tftp.Options{WindowSize: 2}, 0},
	} {
		p := newPeer(t, addr)
		p.rrq("f", "octet", tc.opts)
		if tc.opts.WindowSize > 0 {
			p.mustRecv() // OACK
			p.ack(0)
		}
		p.expectData(1)
		if got := onLoop(s); got != tc.want {
			t.Errorf("%+v: %d transfers on the event loop, want %d", tc.opts, got, tc.want)
		}
		p.sendTo(p.tid, tftp.AppendError(nil, tftp.ErrUndefined, "enough"))
		waitFor(t, "transfer end", func() bool { return s.InProgress() == 0 })
	}
}

// TestLoopLetsOthersRun: with one processor (GOMAXPROCS=1, as on a
// one-CPU host or under taskset) and a transfer waiting on the event loop,
// other goroutines still run within milliseconds: the loop never holds the
// processor in a long system call.
func TestLoopLetsOthersRun(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	_, addr := testServer(t, "udp4", map[string][]byte{"f": randomBytes(t, 1500)}, func(s *Server) { s.Timeout = 5 * time.Second })
	p := newPeer(t, addr)
	p.rrq("f", "octet", tftp.Options{})
	p.expectData(1) // and never ACK it: the transfer waits on the loop
	var worst time.Duration
	for range 50 {
		start := time.Now()
		done := make(chan struct{})
		go func() { close(done) }()
		<-done
		time.Sleep(time.Millisecond)
		worst = max(worst, time.Since(start))
	}
	p.sendTo(p.tid, tftp.AppendError(nil, tftp.ErrUndefined, "enough"))
	if worst > 50*time.Millisecond {
		t.Fatalf("a goroutine waited %v to run beside the event loop", worst)
	}
	t.Logf("worst wait %v", worst)
}
