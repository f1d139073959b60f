package httpd

import (
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Taking turns. A connection waiting for its next request does not wait on
// Go's poller: the runtime readies the goroutines of the sockets one poll
// found readable in the reverse of the order the kernel listed them
// (netpoll pushes each on a list it then runs from the front), so under
// load the request that came first in a round is answered last, and
// latency spreads from nothing to two rounds — nginx, serving its ready
// connections in the kernel's order, answers every request about one
// round after it came. Instead, the connections' sockets are also in an
// epoll set of the server's own (edge-triggered), and one goroutine waits
// on that set through Go's poller and hands each connection whose socket
// became readable its turn, in the kernel's order. A connection reads its
// socket without telling the scheduler (the socket is non-blocking), and
// waits for its turn, its read deadline or its end.
type turns struct {
	ep     int
	file   *os.File // ep, for Go's poller
	rc     syscall.RawConn
	closed atomic.Bool // close was called
	dead   atomic.Bool // run ended: connections read through Go's poller
	mu     sync.Mutex
	byID   map[uint64]*conn
	nextID uint64
	events [128]unix.EpollEvent
	ready  int // how many of events the last collect found
	woken  []*conn
}

// newTurns opens the epoll set and starts its goroutine; nil when that
// cannot be done (connections then wait on Go's poller).
func newTurns() *turns {
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil
	}
	if err := unix.SetNonblock(ep, true); err != nil {
		unix.Close(ep)
		return nil
	}
	f := os.NewFile(uintptr(ep), "httpd-turns")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil
	}
	t := &turns{ep: ep, file: f, rc: rc, byID: map[uint64]*conn{}}
	go t.run()
	return t
}

// close stops the goroutine; connections still listed keep waiting on
// their deadlines.
func (t *turns) close() {
	t.closed.Store(true)
	t.file.Close()
}

// run hands out turns until the set is closed. Should waiting on the set
// fail otherwise, the turns end: every connection is woken and reads
// through Go's poller from then on.
func (t *turns) run() {
	collect := t.collect // made once: a func value per wait would allocate
	for {
		if err := t.rc.Read(collect); err != nil {
			if !t.closed.Load() {
				t.dead.Store(true)
				t.wakeAll()
			}
			return
		}
		t.give(t.events[:t.ready])
	}
}

// wakeAll gives every listed connection a turn.
func (t *turns) wakeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range t.byID {
		c.turn()
	}
}

// collect takes the events ready in the set without waiting, and reports
// whether there were any (else Go's poller waits for the set to have some).
func (t *turns) collect(fd uintptr) bool {
	r, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, fd, uintptr(unsafe.Pointer(&t.events[0])), uintptr(len(t.events)), 0, 0, 0)
	t.ready = 0
	if e == 0 {
		t.ready = int(r)
	}
	return t.ready > 0
}

// give wakes the connections of events in their order. A goroutine woken
// runs next, ahead of those woken before it, which wait in line behind
// what was already runnable: the first is woken last.
func (t *turns) give(events []unix.EpollEvent) {
	t.mu.Lock()
	t.woken = t.woken[:0]
	for _, e := range events {
		id := uint64(uint32(e.Fd)) | uint64(uint32(e.Pad))<<32
		if c := t.byID[id]; c != nil {
			t.woken = append(t.woken, c)
		}
	}
	t.mu.Unlock()
	for i := range t.woken {
		t.woken[(i+1)%len(t.woken)].turn()
	}
	clear(t.woken)
}

// add lists c and watches its socket; false when it cannot (c then waits
// on Go's poller). c must not be serving yet.
func (t *turns) add(c *conn, rc syscall.RawConn) bool {
	if t.dead.Load() {
		return false
	}
	c.turns, c.rc, c.readFn = t, rc, c.readOnce
	c.wake = make(chan struct{}, 1)
	c.timer = time.NewTimer(time.Hour)
	c.timer.Stop()
	t.mu.Lock()
	t.nextID++
	id := t.nextID
	t.byID[id] = c
	t.mu.Unlock()
	var err error
	cerr := rc.Control(func(fd uintptr) {
		ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLET, Fd: int32(uint32(id)), Pad: int32(uint32(id >> 32))}
		err = unix.EpollCtl(t.ep, unix.EPOLL_CTL_ADD, int(fd), &ev)
	})
	if err != nil || cerr != nil {
		t.remove(id)
		return false
	}
	c.turnID = id
	return true
}

// remove stops handing turns to connection id (its socket leaves the set
// when it is closed).
func (t *turns) remove(id uint64) {
	t.mu.Lock()
	delete(t.byID, id)
	t.mu.Unlock()
}

// turn tells c it may read: its socket became readable, or it is being
// closed. A turn c is not waiting for is kept for its next wait.
func (c *conn) turn() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// readTurn reads into p from c's socket, waiting for its turn when there
// is nothing to read, until c's read deadline (readBy; zero: none).
func (c *conn) readTurn(p []byte) (int, error) {
	for {
		if c.turns.dead.Load() {
			return c.readPolled(p)
		}
		n, errno, err := c.rawRead(p)
		switch {
		case err != nil:
			return 0, err
		case errno == 0 && n == 0:
			return 0, io.EOF
		case errno == 0:
			return n, nil
		case errno != syscall.EAGAIN:
			return 0, &net.OpError{Op: "read", Net: "tcp", Source: c.nc.LocalAddr(), Addr: c.nc.RemoteAddr(), Err: os.NewSyscallError("read", errno)}
		}
		if err := c.awaitTurn(); err != nil {
			return 0, err
		}
	}
}

// rawRead makes one non-blocking read(2); err is the connection's end.
func (c *conn) rawRead(p []byte) (n int, errno syscall.Errno, err error) {
	c.rp = p
	err = c.rc.Read(c.readFn)
	c.rp = nil
	return c.rn, c.rerr, err
}

// readOnce is rawRead's call, made once per read (never waiting in Go's
// poller: it reports done even on EAGAIN).
func (c *conn) readOnce(fd uintptr) bool {
	for {
		n, e := sysRead(fd, c.rp)
		if e == syscall.EINTR {
			continue
		}
		c.rn, c.rerr = n, e
		return true
	}
}

// readPolled reads through Go's poller, once the turns have ended.
func (c *conn) readPolled(p []byte) (int, error) {
	if err := c.nc.SetReadDeadline(c.readBy); err != nil {
		return 0, err
	}
	return c.nc.Read(p)
}

// errReadTimeout is what a read past its deadline returns.
var errReadTimeout = &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}

// awaitTurn waits for c's turn, its end, or its read deadline.
func (c *conn) awaitTurn() error {
	for {
		if !c.readBy.IsZero() {
			d := time.Until(c.readBy)
			if d <= 0 {
				return errReadTimeout
			}
			if !c.timerSet || c.timerAt.After(c.readBy) || c.readBy.Sub(c.timerAt) > c.idleTimeout/10 {
				c.timer.Reset(d)
				c.timerSet, c.timerAt = true, c.readBy
			}
		}
		select {
		case <-c.wake:
			return nil
		case <-c.timer.C:
			c.timerSet = false // fired: the deadline may have moved since
		}
	}
}
