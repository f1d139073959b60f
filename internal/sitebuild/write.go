package sitebuild

import (
	"errors"
	"fmt"
	"io"
	"syscall"
	"unsafe"
)

// dirWriter writes files into one directory through a descriptor of it:
// three system calls a file (openat, write, close), with no path walk and
// none of os.File's poller registration and finalizer. A million files on
// tmpfs spend most of their time in the kernel as it is. The calls are
// made raw (syscall.RawSyscall, without telling the scheduler): creating
// and writing a small file never waits for a device, it is work the core
// does in the kernel, but a write of 8.7 KB into fresh tmpfs pages takes
// longer than the 20 µs after which the runtime's monitor hands a core
// stuck in a system call to another thread, and at a million files those
// hand-offs (thread wake-ups, and the core taken back after the call)
// cost several seconds of CPU.
type dirWriter struct {
	fd   int
	name string
}

// openDirWriter opens the directory dir.
func openDirWriter(dir string) (*dirWriter, error) {
	fd, err := retryEINTR(func() (int, error) {
		return syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	})
	if err != nil {
		return nil, fmt.Errorf("build: open %s: %w", dir, err)
	}
	return &dirWriter{fd: fd, name: dir}, nil
}

// write creates (or truncates) the file name, mode 0644 less the umask as
// os.WriteFile, and writes b into it.
func (w *dirWriter) write(name string, b []byte) error {
	path, err := syscall.BytePtrFromString(name)
	if err != nil {
		return fmt.Errorf("build: create %s/%s: %w", w.name, name, err)
	}
	fd, err := retryEINTR(func() (int, error) {
		return rawResult(syscall.RawSyscall6(syscall.SYS_OPENAT, uintptr(w.fd), uintptr(unsafe.Pointer(path)),
			syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, 0o644, 0, 0))
	})
	if err != nil {
		return fmt.Errorf("build: create %s/%s: %w", w.name, name, err)
	}
	for len(b) > 0 && err == nil {
		var n int
		switch n, err = retryEINTR(func() (int, error) {
			return rawResult(syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b))))
		}); {
		case err == nil && n == 0:
			err = io.ErrShortWrite
		case err == nil:
			b = b[n:]
		}
	}
	if _, cerr := rawResult(syscall.RawSyscall(syscall.SYS_CLOSE, uintptr(fd), 0, 0)); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("build: write %s/%s: %w", w.name, name, err)
	}
	return nil
}

// rawResult returns a raw system call's result as an int, or its error
// number as an error.
func rawResult(r, _ uintptr, errno syscall.Errno) (int, error) {
	if errno != 0 {
		return int(r), errno
	}
	return int(r), nil
}

// close closes the directory.
func (w *dirWriter) close() error { return syscall.Close(w.fd) }

// retryEINTR calls f until it fails with something other than EINTR.
func retryEINTR(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if !errors.Is(err, syscall.EINTR) {
			return n, err
		}
	}
}
