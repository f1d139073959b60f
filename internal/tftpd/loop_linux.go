package tftpd

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"cmtftp/internal/tftp"
	"cmtftp/internal/udpraw"
)

// The event loop serves lockstep transfers of files held in memory — what
// phones ask for nearly every time — the way a C server's event loop does:
// each transfer is a bare non-blocking socket in one epoll set with the
// listeners, and one goroutine waits on the set, reads the requests and
// ACKs that arrived, sends the next blocks and keeps the timeouts. A
// transfer costs no goroutine, net.UDPConn or timer of its own.
//
// It waits with epoll, not poll(2): poll looks at every transfer's socket
// on every call, epoll registers a socket once — and a socket outlives its
// transfer (spare_linux.go), so most transfers register nothing — and a
// wait costs what is ready: 3.8% of the server's CPU for 4 KiB transfers at
// c=64 where ppoll took 6.3% (perf). (epoll's wake-up callback runs in the
// sender's context: on loopback the client pays it for each ACK.) After a
// round of work the loop waits again without sleeping a
// few times, letting the goroutines that open files run in between, and
// only then sleeps in a wait the runtime sees as a blocking call; adding or
// aborting a transfer wakes it through an eventfd.
//
// The protocol is the transfer's machine (machine.go); the loop only moves
// bytes for it: it hands the machine each packet and due timeout, sends
// what the machine says through the transfer's rawSender and sleeps until
// the earliest wake time.
type eventLoop struct {
	wake int           // eventfd that wakes a sleeping wait
	kick chan struct{} // wakes a loop with no transfers, asleep on it

	mu       sync.Mutex // guards the fields below it up to the loop's own
	pending  []*transfer
	lsns     []*listener // listeners to watch; removed ones are dropped
	lsnGen   int         // bumped when lsns changes
	sleeping bool
	closing  bool
	stopped  bool // the loop has returned
	// Catching up (admission.go): catchUp asks for drain number drainWant
	// and waits on caughtUp until drainDone reaches it.
	drainWant, drainDone uint64
	caughtUp             sync.Cond
	// poked asks the loop to look at every transfer now (one was aborted).
	poked atomic.Bool
	// active counts transfers added and not yet finished.
	active atomic.Int64
	spare  spares // completed transfers' sockets, for the next ones

	// Owned by the loop goroutine.
	ep      int                         // the epoll set: wake, listeners, transfers
	events  [eventBatch]unix.EpollEvent // what the last wait found
	ready   int                         // how many of events it found
	slot    []int32                     // slot[fd]: the index in xfers of fd's transfer, or slotNone, slotSpare
	polled  []*listener                 // the listeners in the set
	gen     int
	xfers   []*transfer
	taken   []*transfer // pending, once taken in
	next    time.Time   // no transfer times out before this
	rbuf    [ackBufLen]byte
	req     [maxDatagram]byte
	oob     [128]byte
	from    unix.RawSockaddrAny
	done    chan struct{}
	worked  bool // the last round read a packet: worth waiting again soon
	started bool // the last round read a request
}

// farFuture stands for "no timeout pending".
var farFuture = time.Unix(1<<40, 0)

// spinPolls is how many times the loop looks again after a round of work
// before it sleeps.
const spinPolls = 32

// A sleeping wait lasts until a packet, a wake-up or the next timeout.
// While it lasts, the runtime hands the loop's processor to other
// goroutines (sysmon retakes it from the system call). Do not cap it with a
// short timeout: a loop that keeps returning from short waits keeps the
// processor, and with GOMAXPROCS=1 goroutines waiting on Go's network
// poller (HTTP, a client in the same process) then wake only on sysmon's
// 10 ms poll — TestNoPerPacketAllocs hung that way. A loop with no
// transfer does not wait on the set at all; it waits on a channel and
// Serve's read loops take the requests.

// eventLoop returns the loop that should drive t, or nil when t runs on its
// own goroutine: windowed transfers, files read from disk block by block,
// link-local addresses with zones.
func (s *Server) eventLoop(t *transfer) *eventLoop {
	peer := t.m.peer.Addr()
	if t.m.window != 1 || t.data == nil || t.local.Zone() != "" || peer.Zone() != "" || t.local.Is4() != peer.Is4() {
		return nil
	}
	return s.startLoop()
}

// startLoop returns the server's event loop, starting it on first use; nil
// when the loop is off or could not start.
func (s *Server) startLoop() *eventLoop {
	if s.noEventLoop {
		return nil
	}
	s.loopOnce.Do(func() {
		l, err := newEventLoop()
		if err != nil {
			s.logger().Warn("tftp event loop unavailable; every transfer gets its own goroutine", "err", err)
			return
		}
		s.loop = l
	})
	return s.loop
}

func newEventLoop() (*eventLoop, error) {
	wake, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("eventfd: %w", err)
	}
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		unix.Close(wake)
		return nil, fmt.Errorf("epoll: %w", err)
	}
	if err := watch(ep, wake, kindWake); err != nil {
		unix.Close(wake)
		unix.Close(ep)
		return nil, fmt.Errorf("epoll: %w", err)
	}
	l := &eventLoop{wake: wake, ep: ep, kick: make(chan struct{}, 1), next: farFuture, done: make(chan struct{})}
	l.caughtUp.L = &l.mu
	go l.run()
	return l, nil
}

// close stops the loop and waits for it; every transfer on it must have
// ended.
func (l *eventLoop) close() {
	l.mu.Lock()
	l.closing = true
	l.mu.Unlock()
	l.signal()
	<-l.done
}

// poke makes the loop look at every transfer at once. It takes no lock:
// Shutdown calls it holding the server's.
func (l *eventLoop) poke() {
	l.poked.Store(true)
	l.signal()
}

// signal wakes the loop from its sleep.
func (l *eventLoop) signal() {
	one := uint64(1)
	unix.Write(l.wake, (*[8]byte)(unsafe.Pointer(&one))[:])
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// add opens t's socket on the local address its request came to and hands
// t to the loop, which starts it and finishes it. The loop sends even the
// first window, when it takes t in: a client can finish no transfer that
// the loop has not taken in (admission.go).
func (l *eventLoop) add(t *transfer) error {
	fd, was, err := l.spare.socket(t.local, t.m.peer)
	if err != nil {
		return fmt.Errorf("tftpd: transfer socket: %w", err)
	}
	t.raw.fd, t.raw.was = fd, was
	t.raw.to.Set(t.m.peer)
	t.snd = &t.raw
	t.buf = make([]byte, t.blksize+tftp.HeaderLen)
	l.active.Add(1)
	l.mu.Lock()
	l.pending = append(l.pending, t)
	sleeping := l.sleeping
	l.mu.Unlock()
	if sleeping {
		l.signal()
	}
	return nil
}

// addListener has the loop read ln's requests from a duplicate of its
// descriptor. ln's own stays with Go's poller for Serve's read loop: both
// may take a request, and each request is taken once.
func (l *eventLoop) addListener(ln *listener) error {
	rc, err := ln.conn.SyscallConn()
	if err != nil {
		return err
	}
	var derr error
	if err := rc.Control(func(s uintptr) { ln.loopFD, derr = unix.Dup(int(s)) }); err != nil {
		return err
	}
	if derr != nil {
		ln.loopFD = -1
		return derr
	}
	unix.CloseOnExec(ln.loopFD)
	l.mu.Lock()
	l.lsns = append(l.lsns, ln)
	l.lsnGen++
	l.mu.Unlock()
	l.signal()
	return nil
}

// removeListener stops the loop reading ln: once it returns, the loop
// starts no transfer for ln. The loop closes its descriptor.
func (l *eventLoop) removeListener(ln *listener) {
	l.mu.Lock()
	for i, x := range l.lsns {
		if x == ln {
			l.lsns = append(l.lsns[:i], l.lsns[i+1:]...)
			l.lsnGen++
		}
	}
	l.mu.Unlock()
	l.signal()
}

// run waits and works until the loop is closed. A round that begins after catchUp
// asked for a drain answers it once the transfers' sockets hold nothing
// more (admission.go).
func (l *eventLoop) run() {
	defer close(l.done)
	defer l.closeAll()
	for {
		want, closing := l.takeIn()
		if closing {
			return
		}
		ready := l.wait(0)
		if ready == 0 && want > l.drainDone {
			l.drained(want) // nothing had come in: caught up
			continue
		}
		if ready == 0 && !(l.worked && l.spin()) && !l.sleep() {
			continue
		}
		if l.worked = l.handle(); want > l.drainDone {
			l.drain(time.Now())
			l.drained(want)
		}
		if l.started {
			// The requests just read start on goroutines of their own
			// (opening a file may wait on the database); let them run now
			// rather than when the loop next has nothing to do.
			l.started = false
			runtime.Gosched()
		}
	}
}

// takeIn starts the transfers added and watches the listeners changed since
// the last round. It reports the last drain asked for, and whether the loop
// is to stop.
func (l *eventLoop) takeIn() (want uint64, closing bool) {
	l.mu.Lock()
	l.taken, l.pending = l.pending, l.taken[:0]
	if l.gen != l.lsnGen {
		l.relist()
	}
	closing = l.closing && len(l.xfers) == 0 && len(l.taken) == 0
	want = l.drainWant
	l.mu.Unlock()
	now := time.Now()
	for _, t := range l.taken {
		l.xfers = append(l.xfers, t)
		i := len(l.xfers) - 1
		if err := l.register(i); err != nil {
			l.end(i, OutcomeAborted, fmt.Errorf("tftpd: epoll: %w", err))
			continue
		}
		l.act(i, t.m.start(now))
	}
	clear(l.taken)
	return want, closing
}

// relist brings the listeners in the epoll set up to lsns; the
// descriptors of listeners no longer listed leave it and are closed (a
// duplicate's registration outlives its close while Go's descriptor stays
// open). Called holding mu.
func (l *eventLoop) relist() {
	keep := make(map[*listener]bool, len(l.lsns))
	for _, ln := range l.lsns {
		keep[ln] = true
	}
	had := make(map[*listener]bool, len(l.polled))
	for _, ln := range l.polled {
		had[ln] = true
		if !keep[ln] {
			unix.EpollCtl(l.ep, unix.EPOLL_CTL_DEL, ln.loopFD, nil)
			unix.Close(ln.loopFD)
			ln.loopFD = -1
		}
	}
	l.polled = l.polled[:0]
	for _, ln := range l.lsns {
		if !had[ln] {
			if err := watch(l.ep, ln.loopFD, kindListener); err != nil {
				ln.s.logger().Warn("tftp event loop cannot watch a listener; Serve's read loop takes its requests", "err", err)
				unix.Close(ln.loopFD)
				ln.loopFD = -1
				continue
			}
		}
		l.polled = append(l.polled, ln)
	}
	l.gen = l.lsnGen
}

// closeAll closes what the loop still holds when it stops, and releases
// any catchUp still waiting.
func (l *eventLoop) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lsns = nil
	l.relist()
	unix.Close(l.wake)
	unix.Close(l.ep)
	l.spare.closeAll()
	l.stopped = true
	l.caughtUp.Broadcast()
}

// spin looks again (a wait of 0) a few times, letting other goroutines run in between,
// and reports whether it found something to do.
func (l *eventLoop) spin() bool {
	for range spinPolls {
		runtime.Gosched()
		if l.wait(0) > 0 || l.hasPending() {
			return true
		}
	}
	return false
}

func (l *eventLoop) hasPending() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.pending) > 0 || l.gen != l.lsnGen || l.closing || l.drainWant > l.drainDone
}

// sleep waits on the set for a packet, a wake-up or the next timeout, unless
// there is work waiting to be taken in; it reports whether it waited.
func (l *eventLoop) sleep() bool {
	runtime.Gosched() // whatever is runnable goes first: a blocked loop keeps the processor
	l.mu.Lock()
	if len(l.pending) > 0 || l.gen != l.lsnGen || l.closing && len(l.xfers) == 0 || l.drainWant > l.drainDone {
		l.mu.Unlock()
		return false
	}
	l.sleeping = true
	l.mu.Unlock()
	if len(l.xfers) == 0 {
		<-l.kick
		l.wait(0)
	} else {
		wait := time.Duration(-1) // no timeout pending: until a packet or a wake-up
		if l.next != farFuture {
			wait = max(time.Until(l.next), 1)
		}
		l.wait(wait)
	}
	l.mu.Lock()
	l.sleeping = false
	l.mu.Unlock()
	return true
}

// wait waits on the epoll set (udpraw.EpollWait) and keeps what it found.
func (l *eventLoop) wait(d time.Duration) int {
	l.ready = udpraw.EpollWait(l.ep, l.events[:], d)
	return l.ready
}

// handle acts on what the last wait found, and on the timeouts due: the
// transfers' packets first, so that a transfer whose last ACK has come
// gives back its slot before the listeners' requests ask for one. It
// reports whether a packet was waiting.
func (l *eventLoop) handle() bool {
	now := time.Now()
	worked := l.receiveAll(now)
	if l.requests() {
		worked = true
	}
	for _, e := range l.events[:l.ready] {
		if e.Pad == kindWake {
			var b [8]byte
			unix.Read(l.wake, b[:])
		}
	}
	if l.poked.Swap(false) || !now.Before(l.next) {
		l.scan(now)
	}
	return worked
}

// receiveAll reads one packet for each transfer whose socket the last wait
// found readable, and reports whether there was one.
func (l *eventLoop) receiveAll(now time.Time) bool {
	worked := false
	for _, e := range l.events[:l.ready] {
		if e.Pad != kindTransfer {
			continue
		}
		// A transfer that ended earlier in this round left slot -1 behind.
		if i := l.slot[e.Fd]; i >= 0 {
			l.receive(int(i), e.Events, now)
			worked = true
		} else if i == slotSpare {
			l.spare.drop(int(e.Fd)) // a spare socket: a late packet
		}
	}
	return worked
}

// requests takes the requests waiting on the listeners the last wait found
// readable, and reports whether there were any. It holds mu:
// removeListener must not return while a request of its listener is being
// started. A changed list waits for the next round.
func (l *eventLoop) requests() bool {
	if len(l.polled) == 0 {
		return false
	}
	worked := false
	l.mu.Lock()
	for _, e := range l.events[:l.ready] {
		if e.Pad != kindListener || l.gen != l.lsnGen {
			continue
		}
		for _, ln := range l.polled {
			if int32(ln.loopFD) == e.Fd {
				l.request(ln)
				worked = true
			}
		}
	}
	l.mu.Unlock()
	return worked
}

// requestBatch is how many requests the loop takes from one listener in a
// round: a queue of requests (phones booting together) must not wait a
// round each.
const requestBatch = 16

// request reads the datagrams waiting on a listener, up to requestBatch,
// and answers each as Serve's read loop does.
func (l *eventLoop) request(ln *listener) {
	for range requestBatch {
		n, src, dst, ifIndex, err := udpraw.RecvMsg(ln.loopFD, l.req[:], l.oob[:], &l.from)
		if err != nil {
			return // EAGAIN: none left, or Serve's read loop took it
		}
		src, dst = ln.addrs(src, dst, ifIndex)
		ln.s.handle(ln, l.req[:n], src, dst, true)
		l.started = true
	}
}

// receive reads one packet that arrived for transfer i, whose socket the
// wait found in the state events, and hands it to the transfer's machine.
func (l *eventLoop) receive(i int, events uint32, now time.Time) {
	t := l.xfers[i]
	n, from, err := udpraw.RecvFrom(t.raw.fd, l.rbuf[:], &l.from)
	if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
		if events&unix.EPOLLERR != 0 {
			dropErrQueue(t.raw.fd, l.rbuf[:], l.oob[:])
		}
		return
	}
	if err != nil {
		l.end(i, OutcomeAborted, fmt.Errorf("tftpd: read: %w", err))
		return
	}
	if from == t.raw.was {
		return // a late packet of the socket's last transfer: not a stranger's
	}
	l.act(i, t.m.onPacket(l.rbuf[:n], from, now))
}

// act carries out what transfer i's machine decided, and ends the transfer
// or keeps its wake time.
func (l *eventLoop) act(i int, a action) {
	if done, outcome, err := l.xfers[i].do(a); done {
		l.end(i, outcome, err)
		return
	}
	l.next = minTime(l.next, a.wake)
}

// scan hands the machines their due timeouts, the aborts of Shutdown and
// the requests sent again, and sets the loop's next wake-up to the earliest
// wake time left.
func (l *eventLoop) scan(now time.Time) {
	next := farFuture
	for i := len(l.xfers) - 1; i >= 0; i-- {
		t := l.xfers[i]
		var a action
		switch {
		case t.closed.Load():
			a = t.m.onShutdown()
		case t.again.Swap(false):
			a = t.m.onRequestAgain(now)
		default:
			a = t.m.onTimeout(now) // nothing happens before the wake time
		}
		if done, outcome, err := t.do(a); done {
			l.end(i, outcome, err)
			continue
		}
		next = minTime(next, a.wake)
	}
	l.next = next
}

// end removes transfer i from the loop (the last one takes its place) and
// finishes it. It is counted off the loop only once finished: catchUp,
// seeing no transfer on the loop, must find its slot given back.
func (l *eventLoop) end(i int, outcome Outcome, err error) {
	t := l.xfers[i]
	last := len(l.xfers) - 1
	l.xfers[i] = l.xfers[last]
	l.slot[l.xfers[i].raw.fd] = int32(i)
	l.slot[t.raw.fd] = slotNone
	l.xfers[last] = nil
	l.xfers = l.xfers[:last]
	if outcome == OutcomeCompleted && !t.m.resent {
		// Nothing went twice: no late ACK is on its way to the socket. It
		// stays in the epoll set.
		if l.spare.keep(t.local, t.raw.fd, t.m.peer) {
			l.slot[t.raw.fd] = slotSpare
		}
		t.raw.fd = -1
	}
	t.finish(outcome, err) // closing the socket takes it out of the epoll set
	l.active.Add(-1)
}
