package tftpd

import (
	"errors"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// maxGSOBytes is the most one segmented send may carry: a UDP datagram's
// largest payload.
const maxGSOBytes = 65507

// enableGSO turns on UDP generic segmentation offload for a transfer
// socket whose packets are stride bytes: one sendmsg of up to maxGSOBytes
// then leaves as one datagram per stride, with one trip through the
// stack. It returns how many packets to give each send, or 0 when GSO is
// unavailable or useless (packets too large to put two in a send).
func enableGSO(c *net.UDPConn, stride, window int) int {
	segs := min(maxGSOBytes/stride, window, 64)
	if segs < 2 {
		return 0
	}
	rc, err := c.SyscallConn()
	if err != nil {
		return 0
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_UDP, unix.UDP_SEGMENT, stride)
	}); err != nil || serr != nil {
		return 0
	}
	return segs
}

// gsoUnsupported reports a send error that means the route cannot
// segment (no checksum offload on the way out).
func gsoUnsupported(err error) bool {
	return errors.Is(err, syscall.EIO) || errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.EOPNOTSUPP)
}
