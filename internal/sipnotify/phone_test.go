package sipnotify

import (
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// phone is a sipgo user agent on loopback acting as the phone: it keeps
// every NOTIFY it gets and answers each with status (0: never answers),
// after hold when set, counting the NOTIFYs it holds at once.
type phone struct {
	addr   netip.AddrPort
	status int
	hold   time.Duration

	mu       sync.Mutex
	got      []*sip.Request
	inFlight atomic.Int32
	maxSeen  atomic.Int32
}

func startPhone(t *testing.T, status int, hold time.Duration) *phone {
	t.Helper()
	return startPhoneOn(t, "127.0.0.1:0", status, hold)
}

// startPhoneOn is startPhone on the UDP address addr.
func startPhoneOn(t *testing.T, addr string, status int, hold time.Duration) *phone {
	t.Helper()
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("test-phone"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	p := &phone{addr: conn.LocalAddr().(*net.UDPAddr).AddrPort(), status: status, hold: hold}
	srv.OnNotify(p.notify)
	go srv.ServeUDP(conn)
	t.Cleanup(func() { ua.Close(); conn.Close() })
	return p
}

func (p *phone) notify(req *sip.Request, tx sip.ServerTransaction) {
	n := p.inFlight.Add(1)
	for {
		m := p.maxSeen.Load()
		if n <= m || p.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	p.mu.Lock()
	p.got = append(p.got, req.Clone())
	p.mu.Unlock()
	if p.hold > 0 {
		time.Sleep(p.hold)
	}
	p.inFlight.Add(-1) // before answering: the sender may start the next one as the answer arrives
	if p.status == 0 {
		return
	}
	tx.Respond(sip.NewResponseFromRequest(req, p.status, reason(p.status), nil))
}

func (p *phone) requests() []*sip.Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*sip.Request(nil), p.got...)
}

func reason(status int) string {
	switch status {
	case 200:
		return "OK"
	case 486:
		return "Busy Here"
	case 489:
		return "Bad Event"
	}
	return "Other"
}
