package store

import (
	"context"
	"errors"
	"fmt"
	"io"

	"cmtftp/internal/domain"
)

// Custom files are kept in the database in chunks of FileChunkBytes
// (custom_file_chunks), next to their name, size, SHA-256 and time in
// custom_files, so that a load of tens of MiB is written and read one chunk
// at a time, never whole.
const (
	// FileChunkBytes is the size of every chunk but a file's last.
	FileChunkBytes = 1 << 20
	// InlineFileBytes is the largest file whose bytes Store.Get returns in
	// CustomFile.Data (the largest a site document may carry inline); a
	// bigger file comes with its metadata only: read it with OpenFile.
	InlineFileBytes = 64 << 20
)

// ErrCorrupt: the bytes read back from the database do not have the size or
// SHA-256 stored with them.
var ErrCorrupt = errors.New("store: stored file does not match its SHA-256")

// FileStore writes and reads custom files as streams. Both backends
// implement it.
type FileStore interface {
	// PutFile stores the bytes of r under name in one transaction, chunk by
	// chunk, computing the size and SHA-256 as they come. When wantSHA256
	// (hex) is not "", the bytes must have it, or nothing is written (a
	// domain.FieldError on "sha256", domain.ErrInvalid). An error from r
	// writes nothing either, and so does one that ends with anything but
	// io.EOF. The bytes are spooled to an unlinked temporary file first
	// (os.TempDir: room for the largest upload), so the transaction lasts
	// as long as copying them into the database, not as long as the
	// client takes to send them. changed is false when the stored file already
	// had these bytes (nothing written, no change event).
	PutFile(ctx context.Context, name string, r io.Reader, wantSHA256 string) (f *domain.CustomFile, changed bool, err error)
	// OpenFile returns a file's metadata (Data empty) and a reader of its
	// bytes that reads one chunk from the database at a time, all from one
	// snapshot of the database. The reader checks the size and SHA-256
	// as it ends: bytes that do not match end it with an error wrapping
	// ErrCorrupt instead of io.EOF. Close the reader to free the snapshot.
	OpenFile(ctx context.Context, name string) (*domain.CustomFile, io.ReadCloser, error)
}

// FilesOf returns s as a FileStore, or an error when its backend does not
// stream custom files.
func FilesOf(s Store) (FileStore, error) {
	fs, ok := s.(FileStore)
	if !ok {
		return nil, fmt.Errorf("store: %T does not keep custom files in chunks", s)
	}
	return fs, nil
}
