package tftpd

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"cmtftp/internal/tftp"
)

// The event loop serves lockstep transfers of files held in memory — what
// phones ask for nearly every time — the way a C server's poll loop does:
// each transfer is a bare non-blocking socket in one epoll set, and one
// goroutine reads the ACKs that arrived, sends the next blocks and keeps the
// timeouts. A transfer costs no goroutine, net.UDPConn or timer of its own;
// that is a third of the CPU time the engine spends per small transfer
// outside the kernel (scripts/bench). The epoll descriptor itself waits in
// Go's poller, so the loop never blocks a thread in a system call.
//
// Transfers keep the state machine of run (sendWindow, ack, timedOut); only
// what drives it differs.
type eventLoop struct {
	epfd int
	file *os.File        // epfd, registered with Go's poller
	raw  syscall.RawConn // waits until epfd has events
	// poked asks the loop to look at every transfer now (one was aborted).
	poked atomic.Bool

	mu     sync.Mutex
	xfers  map[int32]*transfer // by socket descriptor
	next   time.Time           // no transfer times out before this
	events [256]unix.EpollEvent
	n      int                // events taken by poll
	pollFn func(uintptr) bool // poll, as one value for every wait
	rbuf   [ackBufLen]byte
	from   unix.RawSockaddrAny
	to     rawAddr
}

// rawAddr is a socket address in the kernel's form, for sendto.
type rawAddr struct {
	sa  unix.RawSockaddrInet6 // large enough for either family
	len uint32
}

// farFuture stands for "no timeout pending".
var farFuture = time.Unix(1<<40, 0)

// eventLoop returns the loop that should drive t, starting it on first
// use, or nil when t runs on its own goroutine: windowed transfers, files
// read from disk block by block, link-local addresses with zones.
func (s *Server) eventLoop(t *transfer) *eventLoop {
	if t.window != 1 || t.data == nil || s.noEventLoop ||
		t.local.Zone() != "" || t.peer.Addr().Zone() != "" || t.local.Is4() != t.peer.Addr().Is4() {
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
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	if err := unix.SetNonblock(epfd, true); err != nil {
		unix.Close(epfd)
		return nil, err
	}
	f := os.NewFile(uintptr(epfd), "tftpd-epoll")
	// A descriptor Go's poller could not take would make the wait below
	// spin; a deadline is accepted only by a polled one.
	if err := f.SetReadDeadline(time.Time{}); err != nil {
		f.Close()
		return nil, fmt.Errorf("epoll descriptor not pollable: %w", err)
	}
	raw, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	l := &eventLoop{epfd: epfd, file: f, raw: raw, xfers: make(map[int32]*transfer), next: farFuture}
	l.pollFn = l.poll
	go l.run()
	return l, nil
}

// close stops the loop; every transfer on it must have ended.
func (l *eventLoop) close() { l.file.Close() }

// poke makes the loop look at every transfer at once. It takes no lock:
// Shutdown calls it holding the server's.
func (l *eventLoop) poke() {
	l.poked.Store(true)
	l.file.SetReadDeadline(time.Unix(1, 0))
}

// add opens t's socket on the local address its request came to, sends the
// first window and hands t to the loop, which finishes it.
func (l *eventLoop) add(t *transfer) error {
	fd, err := rawSocket(t.local)
	if err != nil {
		return fmt.Errorf("tftpd: transfer socket: %w", err)
	}
	t.fd = fd
	t.to.set(t.peer)
	t.buf = make([]byte, t.blksize+tftp.HeaderLen)
	l.mu.Lock()
	defer l.mu.Unlock()
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}
	if err := unix.EpollCtl(l.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		closeFD(t)
		return fmt.Errorf("tftpd: epoll_ctl: %w", err)
	}
	l.xfers[int32(fd)] = t
	if err := t.sendWindow(); err != nil {
		l.end(t, err)
		return nil
	}
	if wait := t.waitUntil(time.Now()); wait.Before(l.next) {
		l.next = wait
		l.file.SetReadDeadline(wait)
	}
	if t.closed.Load() {
		l.poke()
	}
	return nil
}

// run waits for ACKs and timeouts until the loop is closed.
func (l *eventLoop) run() {
	for {
		l.n = 0
		err := l.raw.Read(l.pollFn)
		n := l.n
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			return // closed
		}
		l.mu.Lock()
		now := time.Now()
		for i := range n {
			if t := l.xfers[l.events[i].Fd]; t != nil {
				l.receive(t, now)
			}
		}
		if l.poked.Swap(false) || !now.Before(l.next) {
			l.scan(now)
		}
		l.mu.Unlock()
	}
}

// poll takes the events ready now, without waiting; false makes the
// poller wait until there are some.
func (l *eventLoop) poll(uintptr) bool {
	n, err := unix.EpollWait(l.epfd, l.events[:], 0)
	if err != nil {
		l.n = 0
		return err == unix.EINTR
	}
	l.n = n
	return n > 0
}

// receive reads one packet that arrived for t and acts on it.
func (l *eventLoop) receive(t *transfer, now time.Time) {
	n, from, err := l.recv(t.fd)
	if err == unix.EAGAIN || err == unix.EINTR {
		return
	}
	if err != nil {
		l.end(t, fmt.Errorf("tftpd: read: %w", err))
		return
	}
	if from != t.peer {
		t.s.stats.UnknownTID.Add(1)
		var eb [32]byte
		l.to.set(from)
		_ = l.to.send(t.fd, tftp.AppendError(eb[:0], tftp.ErrUnknownTID, "Unknown transfer ID"))
		return
	}
	p := l.rbuf[:n]
	if blk, err := tftp.ParseAck(p); err == nil {
		if !t.ack(blk) {
			return
		}
		if t.complete() {
			l.end(t, nil)
			return
		}
		if err := t.sendWindow(); err != nil {
			l.end(t, err)
			return
		}
		t.waitUntil(now)
		return
	}
	if op, _ := tftp.PeekOpcode(p); op == tftp.OpERROR {
		l.end(t, errPeer)
	}
}

// scan ends aborted transfers, resends timed-out windows and sets the
// loop's next wake-up to the earliest timeout left.
func (l *eventLoop) scan(now time.Time) {
	next := farFuture
	for _, t := range l.xfers {
		if t.closed.Load() {
			t.sendError(tftp.ErrUndefined, "server shutting down")
			l.end(t, errors.New("tftpd: transfer aborted by shutdown"))
			continue
		}
		if !now.Before(t.wait) {
			if err := t.timedOut(now); err != nil {
				l.end(t, err)
				continue
			}
			if err := t.sendWindow(); err != nil {
				l.end(t, err)
				continue
			}
			t.waitUntil(now)
		}
		if t.wait.Before(next) {
			next = t.wait
		}
	}
	l.next = next
	if next == farFuture {
		l.file.SetReadDeadline(time.Time{})
	} else {
		l.file.SetReadDeadline(next)
	}
	if l.poked.Load() {
		l.file.SetReadDeadline(time.Unix(1, 0))
	}
}

// end removes t from the loop and finishes it.
func (l *eventLoop) end(t *transfer, err error) {
	delete(l.xfers, int32(t.fd))
	t.finish(err)
}

// recv reads one datagram from fd into l.rbuf without blocking.
func (l *eventLoop) recv(fd int) (int, netip.AddrPort, error) {
	salen := uint32(unsafe.Sizeof(l.from))
	r, _, e := unix.RawSyscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(unsafe.Pointer(&l.rbuf[0])), uintptr(len(l.rbuf)),
		0, uintptr(unsafe.Pointer(&l.from)), uintptr(unsafe.Pointer(&salen)))
	if e != 0 {
		return 0, netip.AddrPort{}, e
	}
	var from netip.AddrPort
	switch l.from.Addr.Family {
	case unix.AF_INET:
		sa := (*unix.RawSockaddrInet4)(unsafe.Pointer(&l.from))
		from = netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), netPort(&sa.Port))
	case unix.AF_INET6:
		sa := (*unix.RawSockaddrInet6)(unsafe.Pointer(&l.from))
		from = netip.AddrPortFrom(netip.AddrFrom16(sa.Addr).Unmap(), netPort(&sa.Port))
	}
	return int(r), from, nil
}

// netPort reads a port stored in network byte order.
func netPort(p *uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(p))
	return uint16(b[0])<<8 | uint16(b[1])
}

// set makes a the kernel's form of ap (no zone: the loop serves none).
func (a *rawAddr) set(ap netip.AddrPort) {
	*a = rawAddr{}
	port := (*[2]byte)(unsafe.Pointer(&a.sa.Port))
	port[0], port[1] = byte(ap.Port()>>8), byte(ap.Port())
	if ap.Addr().Is4() {
		sa := (*unix.RawSockaddrInet4)(unsafe.Pointer(&a.sa))
		sa.Family = unix.AF_INET
		sa.Addr = ap.Addr().As4()
		a.len = unix.SizeofSockaddrInet4
		return
	}
	a.sa.Family = unix.AF_INET6
	a.sa.Addr = ap.Addr().As16()
	a.len = unix.SizeofSockaddrInet6
}

// send sends p from fd to a without blocking. A send on loopback or a LAN
// never sleeps, so the scheduler is not told of it (RawSyscall).
func (a *rawAddr) send(fd int, p []byte) error {
	_, _, e := unix.RawSyscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)),
		0, uintptr(unsafe.Pointer(&a.sa)), uintptr(a.len))
	if e != 0 {
		return e
	}
	return nil
}

// sendRaw sends p to the transfer's peer from its loop socket.
func (t *transfer) sendRaw(p []byte) error {
	if t.fd < 0 {
		return errSocketClosed
	}
	return t.to.send(t.fd, p)
}

// errSocketClosed reports a send on a transfer whose socket is gone.
var errSocketClosed = errors.New("tftpd: transfer socket closed")

// rawSocket opens a non-blocking UDP socket bound to local on a port the
// kernel picks: the transfer's TID.
func rawSocket(local netip.Addr) (int, error) {
	family := unix.AF_INET
	if local.Is6() {
		family = unix.AF_INET6
	}
	fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	var sa unix.Sockaddr
	if local.Is4() {
		sa = &unix.SockaddrInet4{Addr: local.As4()}
	} else {
		sa = &unix.SockaddrInet6{Addr: local.As16()}
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// closeFD closes t's loop socket, if it has one; closing also takes it
// out of the epoll set.
func closeFD(t *transfer) {
	if t.fd >= 0 {
		unix.Close(t.fd)
		t.fd = -1
	}
}
