package tftpd

import (
	"net"

	"golang.org/x/sys/unix"
)

// ICMP errors. A transfer's socket is not connected (it answers strangers
// with ERROR 5), and Linux reports an ICMP error to an unconnected UDP
// socket only with IP_RECVERR (IPV6_RECVERR) on: the next read or write on
// it then fails with the error (ECONNREFUSED for a port unreachable), and
// the transfer ends at once instead of resending to a closed port.

// setRecvErr turns on ICMP error reports for the socket fd.
func setRecvErr(fd int, v6 bool) {
	if v6 {
		unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_RECVERR, 1)
		return
	}
	unix.SetsockoptInt(fd, unix.IPPROTO_IP, unix.IP_RECVERR, 1)
}

// connRecvErr turns on ICMP error reports for c.
func connRecvErr(c *net.UDPConn, v6 bool) {
	if rc, err := c.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { setRecvErr(int(fd), v6) })
	}
}

// dropErrQueue reads one queued ICMP error report off fd, whose error the
// kernel already gave to a send or read, and reports whether there was
// one: a report left queued keeps epoll saying the socket has something to
// read.
func dropErrQueue(fd int, b, oob []byte) bool {
	_, _, _, _, err := unix.Recvmsg(fd, b, oob, unix.MSG_ERRQUEUE|unix.MSG_DONTWAIT)
	return err == nil
}

// setReceiveBuffer asks for a receive buffer of n bytes on c: first past
// net.core.rmem_max (SO_RCVBUFFORCE, which needs CAP_NET_ADMIN), else
// within it (SO_RCVBUF). It returns what the kernel granted (the kernel
// doubles what is asked, for its own overhead, and reports that).
func setReceiveBuffer(c *net.UDPConn, n int) (int, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return 0, err
	}
	var got int
	var serr error
	err = rc.Control(func(fd uintptr) {
		if unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, n) != nil {
			serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF, n)
		}
		got, _ = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF)
	})
	if err == nil {
		err = serr
	}
	return got, err
}

// sendBuffer returns c's socket send buffer in bytes as the kernel reports
// it (SO_SNDBUF: twice what was asked, for the kernel's own overhead), or
// 0 when it cannot tell.
func sendBuffer(c *net.UDPConn) int {
	rc, err := c.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	rc.Control(func(fd uintptr) { n, _ = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_SNDBUF) })
	return n
}
