package e2e

import (
	"context"
	"net/netip"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"cmtftp/internal/device"
	"cmtftp/internal/timeline"
)

// bootPhones boots pairSite's phones first…first+n-1 with the device
// emulator, a few at a time, each told the servers in option 150's order;
// started is called as each begins (with how many began before it). Every
// boot is bounded by a minute.
func bootPhones(t *testing.T, first, n int, servers []netip.AddrPort, started func(int)) []*device.Report {
	t.Helper()
	reports := make([]*device.Report, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if started != nil {
					started(i)
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				r, err := device.Boot(ctx, device.Config{MAC: pairMAC(first + i), Model: "8841", Protocol: "SIP", Servers: servers,
					Timeout: 250 * time.Millisecond, Retries: 2, BusyWait: 200 * time.Millisecond, MaxBusyRetries: 100})
				cancel()
				if err != nil {
					t.Error(err)
					continue
				}
				reports[i] = r
			}
		}()
	}
	wg.Wait()
	return reports
}

// timelineOf is s's boot timeline of a device.
func timelineOf(t *testing.T, s *pairServer, dev string) []timeline.Entry {
	t.Helper()
	return deviceTimeline(t, s.admin, dev)
}

// TestPairDevices boots emulated phones against a pair, A first and B
// second in option 150, as the chapter says devices use them. A killed
// mid-storm: every phone still configures, those that began after the
// kill from B. A answering busy (its database cut, so it cannot build the
// phones' files): its phones wait and ask A again — B never hears from
// them, by its request counter and its boot timeline — and configure from
// A once A has its database again.
func TestPairDevices(t *testing.T) {
	const storm, patient = 36, 8
	db, servers := startPair(t, "", 2)
	a, b := servers[0], servers[1]
	pairSite(t, a, storm+patient)
	option150 := []netip.AddrPort{netip.MustParseAddrPort(a.tftp), netip.MustParseAddrPort(b.tftp)}

	var killed atomic.Bool
	after := make([]bool, storm) // began after the kill
	reports := bootPhones(t, 0, storm, option150, func(i int) {
		if i == storm/3 {
			a.cmd.Process.Signal(syscall.SIGKILL)
			a.cmd.Process.Wait()
			killed.Store(true)
		}
		after[i] = killed.Load()
	})
	fromB := 0
	for i, r := range reports {
		switch {
		case r == nil:
		case !r.OK():
			t.Errorf("%s after A was killed: %s %s", r.Device, r.Cause, r.Detail)
		case after[i] && r.Server != b.tftp:
			t.Errorf("%s began after A was killed and ended on %s, want B %s", r.Device, r.Server, b.tftp)
		case r.Server == b.tftp:
			fromB++
		}
	}
	t.Logf("A killed mid-storm: %d of %d phones configured from B", fromB, storm)

	a.start(t)
	db.cut(a)
	requests := counter(t, b, "cmtftp_tftp_requests_total")
	go func() {
		time.Sleep(2 * time.Second)
		db.restore(a)
	}()
	busy := 0
	for _, r := range bootPhones(t, storm, patient, option150, nil) {
		if r == nil {
			continue
		}
		if !r.OK() || r.Server != a.tftp {
			t.Errorf("%s with A busy: %s %s, ended on %s, want configured from A", r.Device, r.Cause, r.Detail, r.Server)
		}
		for _, st := range r.Steps {
			if st.Server != a.tftp {
				t.Errorf("%s asked %s of %s while A was busy, want A only", r.Device, st.Name, st.Server)
			}
			if st.Outcome == device.BusyRetry {
				busy++
			}
		}
		if es := timelineOf(t, b, r.Device); len(es) != 0 {
			t.Errorf("B's timeline of %s, which A told to wait: %+v", r.Device, es)
		}
	}
	if busy == 0 {
		t.Error("no busy answer from A with its database cut")
	}
	if n := counter(t, b, "cmtftp_tftp_requests_total"); n != requests {
		t.Errorf("B received %v TFTP requests while A was busy, want none", n-requests)
	}
	t.Logf("A busy: %d phones waited through %d busy answers and configured from A", patient, busy)
}
