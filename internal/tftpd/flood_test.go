package tftpd

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/source"
	"cmtftp/internal/tftp"
	"cmtftp/internal/tftpclient"
)

// traffic is what a forged source sent and was sent, in UDP payload bytes.
type traffic struct {
	requests   int
	in, out    int // bytes sent to the server, bytes it sent back
	unverified int // of out: DATA and OACK (the rest is ERRORs)
}

func (f traffic) String() string {
	return fmt.Sprintf("%d requests: %d bytes in, %d out (%d DATA/OACK): %.2f× out/in", f.requests, f.in, f.out, f.unverified, float64(f.out)/float64(f.in))
}

// forge sends n requests from one socket on 127.0.0.2, one every gap, and
// acknowledges nothing: a forged source, whose traffic reaches this socket
// as it would the victim. It returns once the server holds no transfer and
// the socket has been quiet a while.
func forge(t *testing.T, s *Server, addr netip.AddrPort, n int, gap time.Duration, o tftp.Options) traffic {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 2)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := setReceiveBuffer(c, 8<<20); err != nil {
		t.Fatal(err)
	}
	var f traffic
	got := make(chan traffic)
	go func() {
		var r traffic
		buf := make([]byte, 70000)
		for {
			c.SetReadDeadline(time.Now().Add(time.Second))
			k, _, err := c.ReadFromUDPAddrPort(buf)
			if err != nil {
				if s.InProgress() == 0 { // and a second quiet: all drawn
					got <- r
					return
				}
				continue
			}
			r.out += k
			if op, _ := tftp.PeekOpcode(buf[:k]); op == tftp.OpDATA || op == tftp.OpOACK {
				r.unverified += k
			}
		}
	}()
	req := tftp.AppendRequest(nil, tftp.OpRRQ, "SEP001122334455.cnf.xml", "octet", o)
	for range n {
		if _, err := c.WriteToUDPAddrPort(req, addr); err != nil {
			t.Fatal(err)
		}
		f.requests++
		f.in += len(req)
		time.Sleep(gap)
	}
	r := <-got
	f.out, f.unverified = r.out, r.unverified
	return f
}

// TestForgedAmplification measures what forged requests draw towards the
// address they name: one request, and a flood of 1,000 from one address
// over about a second, with and without options, and with the cap out of
// the way. A single request gets its first block (or OACK) and one resend;
// a flood draws no more DATA and OACK bytes than the source's unverified
// budget gives (its burst plus its refill over the flood's time).
func TestForgedAmplification(t *testing.T) {
	for _, tc := range []struct {
		name      string
		o         tftp.Options
		perSource int // 0: the default cap (10 of 200 slots)
	}{
		{"no options", tftp.Options{}, 0},
		{"blksize tsize", tftp.Options{BlockSize: 1428, HasTSize: true}, 0},
		{"no options, the budget alone", tftp.Options{}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, addr := testServer(t, "udp4", map[string][]byte{"SEP001122334455.cnf.xml": randomBytes(t, 4000)}, func(s *Server) {
				s.MaxPerSource, s.Timeout = tc.perSource, 20*time.Millisecond
			})
			one := forge(t, s, addr, 1, 0, tc.o)
			t.Logf("single forged request: %v", one)
			first := 4 + 512
			if tc.o.BlockSize > 0 {
				first = len(tftp.AppendOACK(nil, tftp.Options{BlockSize: 1428, TSize: 4000, HasTSize: true}))
			}
			if one.out != 2*first {
				t.Fatalf("single forged request drew %d bytes, want 2 × %d", one.out, first)
			}
			start := time.Now()
			flood := forge(t, s, addr, 1000, time.Millisecond, tc.o)
			limit := source.DefaultUnverifiedBudget + int(time.Since(start).Seconds()*source.DefaultUnverifiedRefill)
			t.Logf("flood: %v (unverified budget over its time: %d)", flood, limit)
			if flood.unverified > limit {
				t.Fatalf("flood drew %d DATA/OACK bytes, budget %d", flood.unverified, limit)
			}
		})
	}
}

// TestNeverAckFloodPhoneBoots: while one address (127.0.0.2) floods the
// server with requests it never acknowledges, a phone on another
// (127.0.0.1) fetches its files over and over: it is never told "busy".
// Without the per-source cap the flood holds every slot.
func TestNeverAckFloodPhoneBoots(t *testing.T) {
	files := map[string][]byte{}
	names := []string{"CTLSEP001122334455.tlv", "ITLSEP001122334455.tlv", "SEP001122334455.cnf.xml", "dialplan.xml", "ringlist.xml", "softkeys.xml", "load.loads"}
	for _, n := range names {
		files[n] = randomBytes(t, 3000)
	}
	s, addr := testServer(t, "udp4", files, func(s *Server) {
		s.MaxServingCount, s.MaxPerSource, s.Timeout = 20, 0, time.Second // the defaults' schedule: 4 slots a source
	})
	// The attacker sends from many ports: the same request again from one
	// port while it is served is a duplicate, dropped.
	var attackers [16]*net.UDPConn
	for i := range attackers {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 2)})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		attackers[i] = c
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		req := tftp.AppendRequest(nil, tftp.OpRRQ, "SEP001122334455.cnf.xml", "octet", tftp.Options{})
		deadline := time.Now().Add(10 * time.Second)
		for i := 0; i < 20000 && time.Now().Before(deadline); i++ {
			select {
			case <-stop:
				return
			default:
			}
			attackers[i%len(attackers)].WriteToUDPAddrPort(req, addr)
			time.Sleep(200 * time.Microsecond)
		}
	})
	defer func() { close(stop); wg.Wait() }()
	waitFor(t, "the flood to hold its share", func() bool { return s.InProgress() >= 4 })
	phone := tftpclient.Client{LocalAddr: netip.MustParseAddr("127.0.0.1"), Timeout: 200 * time.Millisecond, BlockSize: 1428, TSize: true}
	for round := range 5 {
		for _, n := range names {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_, err := phone.Get(ctx, addr.String(), n, io.Discard)
			cancel()
			if err != nil {
				t.Fatalf("round %d, %s: %v (in progress %d)", round, n, err, s.InProgress())
			}
		}
	}
}
