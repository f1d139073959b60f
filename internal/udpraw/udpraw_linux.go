package udpraw

import (
	"net"
	"net/netip"
	"strconv"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Addr is a socket address in the kernel's form, for sendto.
type Addr struct {
	sa  unix.RawSockaddrInet6 // large enough for either family
	len uint32
}

// Set makes a the kernel's form of ap (without zone).
func (a *Addr) Set(ap netip.AddrPort) {
	*a = Addr{}
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

// Send sends p from fd to a.
func (a *Addr) Send(fd int, p []byte) error {
	_, _, e := unix.RawSyscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)),
		0, uintptr(unsafe.Pointer(&a.sa)), uintptr(a.len))
	if e != 0 {
		return e
	}
	return nil
}

// RecvFrom reads one datagram from fd into b; from is scratch space for
// its source address, returned converted.
func RecvFrom(fd int, b []byte, from *unix.RawSockaddrAny) (int, netip.AddrPort, error) {
	salen := uint32(unsafe.Sizeof(*from))
	r, _, e := unix.RawSyscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)),
		0, uintptr(unsafe.Pointer(from)), uintptr(unsafe.Pointer(&salen)))
	if e != 0 {
		return 0, netip.AddrPort{}, e
	}
	src, _ := sockaddrPort(from)
	return int(r), src, nil
}

// RecvMsg reads one datagram from fd into b, with its source and the local
// address and interface it was sent to, from the packet-info control
// message (the socket must have IP_PKTINFO or IPV6_RECVPKTINFO on); oob
// is room for control messages.
func RecvMsg(fd int, b, oob []byte, from *unix.RawSockaddrAny) (n int, src netip.AddrPort, dst netip.Addr, ifIndex int, err error) {
	iov := unix.Iovec{Base: &b[0]}
	iov.SetLen(len(b))
	msg := unix.Msghdr{Name: (*byte)(unsafe.Pointer(from)), Namelen: uint32(unsafe.Sizeof(*from)), Iov: &iov, Iovlen: 1, Control: &oob[0]}
	msg.SetControllen(len(oob))
	r, _, e := unix.RawSyscall(unix.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), 0)
	if e != 0 {
		return 0, src, dst, 0, e
	}
	src, ok := sockaddrPort(from)
	if !ok {
		return 0, src, dst, 0, unix.EAFNOSUPPORT
	}
	dst, ifIndex = PacketInfo(oob[:msg.Controllen])
	return int(r), src, dst, ifIndex, nil
}

// PacketInfo finds the destination address and interface of a request in
// its control messages (IP_PKTINFO, IPV6_PKTINFO).
func PacketInfo(oob []byte) (netip.Addr, int) {
	for len(oob) >= unix.SizeofCmsghdr {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
		hl := int(h.Len)
		if hl < unix.SizeofCmsghdr || hl > len(oob) {
			break
		}
		data := oob[unix.CmsgLen(0):hl]
		switch {
		case h.Level == unix.IPPROTO_IP && h.Type == unix.IP_PKTINFO && len(data) >= unix.SizeofInet4Pktinfo:
			pi := (*unix.Inet4Pktinfo)(unsafe.Pointer(&data[0]))
			return netip.AddrFrom4(pi.Addr), int(pi.Ifindex)
		case h.Level == unix.IPPROTO_IPV6 && h.Type == unix.IPV6_PKTINFO && len(data) >= unix.SizeofInet6Pktinfo:
			pi := (*unix.Inet6Pktinfo)(unsafe.Pointer(&data[0]))
			return netip.AddrFrom16(pi.Addr), int(pi.Ifindex)
		}
		next := unix.CmsgSpace(hl - unix.CmsgLen(0))
		if next >= len(oob) {
			break
		}
		oob = oob[next:]
	}
	return netip.Addr{}, 0
}

// sockaddrPort converts a source address from the kernel; an IPv6 scope is
// named as Go's net package names it, so addresses compare equal.
func sockaddrPort(from *unix.RawSockaddrAny) (netip.AddrPort, bool) {
	switch from.Addr.Family {
	case unix.AF_INET:
		sa := (*unix.RawSockaddrInet4)(unsafe.Pointer(from))
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), netPort(&sa.Port)), true
	case unix.AF_INET6:
		sa := (*unix.RawSockaddrInet6)(unsafe.Pointer(from))
		a := netip.AddrFrom16(sa.Addr)
		if sa.Scope_id != 0 {
			zone := strconv.Itoa(int(sa.Scope_id))
			if ifi, err := net.InterfaceByIndex(int(sa.Scope_id)); err == nil {
				zone = ifi.Name
			}
			a = a.WithZone(zone)
		}
		return netip.AddrPortFrom(a.Unmap(), netPort(&sa.Port)), true
	}
	return netip.AddrPort{}, false
}

// netPort reads a port stored in network byte order.
func netPort(p *uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(p))
	return uint16(b[0])<<8 | uint16(b[1])
}

// Socket opens a non-blocking UDP socket bound to local (an unspecified
// address for any) on a port the kernel picks.
func Socket(local netip.Addr) (int, error) {
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

// Poll polls fds, waiting up to wait: not at all when 0 (and then without
// telling the scheduler), forever when negative. It returns how many
// descriptors are ready; on an error (EINTR) it returns 0 with no events.
func Poll(fds []unix.PollFd, wait time.Duration) int {
	var ts *unix.Timespec
	var tv unix.Timespec
	if wait >= 0 {
		tv = unix.NsecToTimespec(int64(wait))
		ts = &tv
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(fds)))
	var r uintptr
	var e syscall.Errno
	if wait == 0 {
		r, _, e = unix.RawSyscall6(unix.SYS_PPOLL, p, uintptr(len(fds)), uintptr(unsafe.Pointer(ts)), 0, 0, 0)
	} else {
		r, _, e = unix.Syscall6(unix.SYS_PPOLL, p, uintptr(len(fds)), uintptr(unsafe.Pointer(ts)), 0, 0, 0)
	}
	if e != 0 {
		for i := range fds {
			fds[i].Revents = 0
		}
		return 0
	}
	return int(r)
}

// EpollWait waits on the epoll set ep for events, up to wait: not at all
// when 0 (and then without telling the scheduler), forever when negative,
// else at least a millisecond. It returns how many events it stored; on an
// error (EINTR) it returns 0.
func EpollWait(ep int, events []unix.EpollEvent, wait time.Duration) int {
	msec := -1
	if wait >= 0 {
		msec = int((wait + time.Millisecond - 1) / time.Millisecond)
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(events)))
	var r uintptr
	var e syscall.Errno
	if wait == 0 {
		r, _, e = unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(ep), p, uintptr(len(events)), 0, 0, 0)
	} else {
		r, _, e = unix.Syscall6(unix.SYS_EPOLL_PWAIT, uintptr(ep), p, uintptr(len(events)), uintptr(msec), 0, 0)
	}
	if e != 0 {
		return 0
	}
	return int(r)
}
