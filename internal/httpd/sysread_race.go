//go:build linux && race

package httpd

import (
	"errors"
	"syscall"
)

// sysRead makes one read(2) through syscall.Read, which tells the race
// detector what the writer on the other end wrote before (as net.Conn's
// reads do): a test's client and handler share memory ordered by the
// request between them.
func sysRead(fd uintptr, p []byte) (int, syscall.Errno) {
	n, err := syscall.Read(int(fd), p)
	var e syscall.Errno
	if errors.As(err, &e) {
		return 0, e
	}
	return max(n, 0), 0
}
