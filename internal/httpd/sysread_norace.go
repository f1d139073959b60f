//go:build linux && !race

package httpd

import (
	"syscall"
	"unsafe"
)

// sysRead makes one read(2) on a non-blocking socket, without telling the
// scheduler (it cannot sleep).
func sysRead(fd uintptr, p []byte) (int, syscall.Errno) {
	r, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(r), 0
}
