package device_test

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/assembly"
	"cmtftp/internal/device"
	"cmtftp/internal/tftp"
)

// slowReaders opens n HTTP connections from 127.0.0.2 that GET the 4 MiB
// archive and never read; they close when the test ends.
func slowReaders(t *testing.T, httpPort, n int) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: time.Second}
	for range n {
		c, err := d.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", httpPort))
		if err != nil {
			continue // the server may refuse some: the attack is what it can hold
		}
		c.(*net.TCPConn).SetReadBuffer(4096)
		fmt.Fprintf(c, "GET /jar41sip.9-4-2SR3-1S.sbn HTTP/1.1\r\nHost: x\r\n\r\n")
		t.Cleanup(func() { c.Close() })
	}
}

// neverAck sends RRQs from 127.0.0.3 that are never acknowledged, every
// millisecond, until stop is closed (at most 30 s). They come from 32 ports
// in turn: the same request again from one port while it is served would
// be a duplicate, dropped.
func neverAck(t *testing.T, server netip.AddrPort, stop <-chan struct{}) {
	var conns [32]*net.UDPConn
	for i := range conns {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 3)})
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	rrq := tftp.AppendRequest(nil, tftp.OpRRQ, "SEP0000DE000001.cnf.xml", "octet", tftp.Options{})
	go func() {
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		end := time.After(30 * time.Second)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-end:
				return
			case <-time.After(time.Millisecond):
				conns[i%len(conns)].WriteToUDPAddrPort(rrq, server)
			}
		}
	}()
}

// TestBootsUnderAttack: while one host holds HTTP connections that never
// read and another floods never-acknowledged requests, phones booting from
// other addresses — over TFTP and over HTTP — all end configured and none
// is ever told busy: one host takes its share, not the service.
func TestBootsUnderAttack(t *testing.T) {
	s := startServer(t, stormSite(40), nil, assembly.Config{})
	stop := make(chan struct{})
	defer close(stop)
	slowReaders(t, s.httpPort, 210)
	neverAck(t, s.tftp, stop)
	time.Sleep(200 * time.Millisecond) // the attacks hold what they can
	var wg sync.WaitGroup
	for i := 1; i <= 40; i++ {
		via := device.ViaTFTP
		if i%2 == 0 {
			via = device.ViaHTTP
		}
		wg.Go(func() {
			c := device.Config{MAC: fmt.Sprintf("0011AA%06X", i), Model: "7961", Protocol: "SCCP", Via: via, HTTPPort: s.httpPort,
				Servers: []netip.AddrPort{s.tftp}, LocalAddr: netip.AddrFrom4([4]byte{127, 1, 0, byte(i)}), MaxBusyRetries: 1}
			r, err := device.Boot(context.Background(), c)
			if err != nil {
				t.Error(err)
				return
			}
			if !r.OK() {
				t.Errorf("%s over %s: %s %s\n%s", r.Device, via, r.Cause, r.Detail, text(r))
			}
			for _, st := range r.Steps {
				if st.Outcome == device.BusyRetry {
					t.Errorf("%s was told busy for %s over %s", r.Device, st.Name, st.Proto)
				}
			}
		})
	}
	wg.Wait()
}
