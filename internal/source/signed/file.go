package signed

import (
	"errors"
	"io"
	"time"

	"cmtftp/internal/source"
)

// File is a signed file served from its parts: the header this step made
// and the payload, the inner chain's file itself (never copied). It is
// safe for concurrent ReadAt; Close closes the payload.
type File struct {
	head   []byte
	body   source.File
	mod    time.Time
	signer string
}

var _ source.Signed = (*File)(nil) // the edges name the key: source.SignerOf

// ReadAt reads header ++ payload at off, as io.ReaderAt says.
func (f *File) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("signed: negative offset")
	}
	n := 0
	if off < int64(len(f.head)) {
		n = copy(p, f.head[off:])
		if n == len(p) {
			if off+int64(n) == f.Size() {
				return n, io.EOF
			}
			return n, nil
		}
	}
	m, err := f.body.ReadAt(p[n:], off+int64(n)-int64(len(f.head)))
	return n + m, err
}

// Size is the header's length and the payload's.
func (f *File) Size() int64 { return int64(len(f.head)) + f.body.Size() }

// ModTime is the later of the payload's modification time (the unsigned
// file's) and the time its header or encryption was made.
func (f *File) ModTime() time.Time { return f.mod }

// SignedBy names the key that signed the file.
func (f *File) SignedBy() string { return f.signer }

// Close closes the payload.
func (f *File) Close() error { return f.body.Close() }
