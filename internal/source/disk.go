package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
	"time"
)

// Disk serves regular files below one directory. Every open goes through an
// os.Root, so neither "..", an absolute path nor a symbolic link can reach
// outside the directory. When the exact name is missing, Disk looks for a
// name that differs only in ASCII case (phones and tools disagree on the
// case of "SEP<MAC>.cnf.xml"), from directory listings it keeps while the
// directories do not change (foldindex.go).
type Disk struct {
	root *os.Root
	dir  string
	fold foldIndex // directory listings for case-insensitive lookups (foldindex.go)
}

var _ Source = (*Disk)(nil)

// NewDisk opens dir as a Disk source. Close releases it.
func NewDisk(dir string) (*Disk, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("source: open root: %w", err)
	}
	return &Disk{root: r, dir: dir}, nil
}

// Dir is the directory Disk serves.
func (d *Disk) Dir() string { return d.dir }

// Close releases the root directory.
func (d *Disk) Close() error { return d.root.Close() }

// Open opens req.Path below the root.
func (d *Disk) Open(_ context.Context, req *Request) (File, error) {
	f, err := d.open(req.Path)
	if errors.Is(err, ErrNotFound) {
		if alt, ok := d.findFold(req.Path); ok {
			f, err = d.open(alt)
		}
	}
	return f, err
}

func (d *Disk) open(name string) (File, error) {
	f, err := d.root.Open(name)
	if err != nil {
		return nil, mapOSError(err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, mapOSError(err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrNotFound, name)
	}
	return &diskFile{File: f, size: st.Size(), mod: st.ModTime()}, nil
}

// findFold walks name's elements, matching each without regard to ASCII case.
func (d *Disk) findFold(name string) (string, bool) {
	dir := "."
	for elem := range strings.SplitSeq(name, "/") {
		match, ok := d.lookupFold(dir, elem)
		if !ok {
			return "", false
		}
		dir = path.Join(dir, match)
	}
	return dir, dir != name
}

// lookupFold returns the name in dir that is elem without regard to ASCII
// case, from the kept listing of dir while it is current, else from a new
// one (foldindex.go).
func (d *Disk) lookupFold(dir, elem string) (string, bool) {
	now := time.Now()
	if name, found, known := d.fold.recent(dir, elem, now); known {
		return name, found
	}
	st, err := d.root.Stat(dir)
	if err != nil || !st.IsDir() {
		return "", false
	}
	if name, found, known := d.fold.get(dir, elem, st.ModTime(), now); known {
		return name, found
	}
	listed := time.Now()
	f, err := d.root.Open(dir)
	if err != nil {
		return "", false
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return "", false
	}
	name, ok := d.fold.put(dir, names, st.ModTime(), listed)[lowerASCII(elem)]
	return name, ok
}

// mapOSError turns file-system errors into the package's sentinels.
func mapOSError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.ENAMETOOLONG):
		// A name too long for the file system (an element of 256+ bytes)
		// cannot be a file there: not found, as on every edge.
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%w: %w", ErrDenied, err)
	case strings.Contains(err.Error(), "escapes"), strings.Contains(err.Error(), "too many levels"):
		// os.Root refuses a path or link that leaves the root.
		return fmt.Errorf("%w: %w", ErrDenied, err)
	}
	return fmt.Errorf("source: %w", err)
}

type diskFile struct {
	*os.File
	size int64
	mod  time.Time
}

// Sendable is a File read from a file of the operating system, which a
// server may send with sendfile(2) rather than through ReadAt: OSFile is
// that file (nil when there is none), positioned where the server seeks
// it (each Open has its own), and Sent tells the file how many bytes went
// so, for the counters ReadAt would have moved.
type Sendable interface {
	File
	OSFile() *os.File
	Sent(n int64)
}

var _ Sendable = (*diskFile)(nil)

// OSFile implements Sendable.
func (f *diskFile) OSFile() *os.File { return f.File }

// Sent implements Sendable.
func (f *diskFile) Sent(int64) {}

func (f *diskFile) Size() int64        { return f.size }
func (f *diskFile) ModTime() time.Time { return f.mod }
