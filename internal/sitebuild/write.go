package sitebuild

import (
	"errors"
	"fmt"
	"io"
	"syscall"
)

// dirWriter writes files into one directory through a descriptor of it:
// three system calls a file (openat, write, close), with no path walk and
// none of os.File's poller registration and finalizer. A million files on
// tmpfs spend most of their time in the kernel as it is.
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
	fd, err := retryEINTR(func() (int, error) {
		return syscall.Openat(w.fd, name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, 0o644)
	})
	if err != nil {
		return fmt.Errorf("build: create %s/%s: %w", w.name, name, err)
	}
	for len(b) > 0 && err == nil {
		var n int
		switch n, err = retryEINTR(func() (int, error) { return syscall.Write(fd, b) }); {
		case err == nil && n == 0:
			err = io.ErrShortWrite
		case err == nil:
			b = b[n:]
		}
	}
	if cerr := syscall.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("build: write %s/%s: %w", w.name, name, err)
	}
	return nil
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
