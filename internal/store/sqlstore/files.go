package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// Custom files keep their bytes in custom_file_chunks (migrations SQLite
// 00006, PostgreSQL 00005), store.FileChunkBytes to a row; custom_files,
// the kind's table, holds the metadata, and only its triggers log changes.

var _ store.FileStore = (*DB)(nil)

const (
	chunkSQL        = "SELECT data FROM custom_file_chunks WHERE file = ? AND idx = ?"
	insertChunkSQL  = "INSERT INTO custom_file_chunks (file, idx, data) VALUES (?, ?, ?)"
	deleteChunksSQL = "DELETE FROM custom_file_chunks WHERE file = ?"
)

// errUnchanged ends PutFile's transaction (rolled back) when the bytes are
// the stored ones.
var errUnchanged = errors.New("sqlstore: file unchanged")

// PutFile implements store.FileStore.
func (s *DB) PutFile(ctx context.Context, name string, r io.Reader, wantSHA256 string) (*domain.CustomFile, bool, error) {
	f := &domain.CustomFile{Name: name}
	if err := domain.Normalize(f); err != nil {
		return nil, false, err
	}
	want := strings.ToLower(wantSHA256)
	body, size, sum, err := spool(r)
	if err != nil {
		return nil, false, err
	}
	defer body.Close()
	if want != "" && want != sum {
		return nil, false, &domain.FieldError{Kind: domain.KindFile, Key: name, Field: "sha256", Err: domain.ErrInvalid,
			Msg: fmt.Sprintf("the bytes received have SHA-256 %s, not the %s expected (nothing was stored)", sum, want)}
	}
	var old *domain.CustomFile
	err = s.inTx(ctx, func(x *tx) error {
		if err := x.lockFileName(name); err != nil {
			return err
		}
		oe, err := get(x, domain.KindFile, name)
		switch {
		case err == nil:
			old = oe.(*domain.CustomFile)
		case !errors.Is(err, domain.ErrNotFound):
			return err
		}
		if _, err := x.exec(deleteChunksSQL, name); err != nil {
			return err
		}
		if f.Size, err = x.streamChunks(name, body); err != nil {
			return err
		}
		if f.Size != size {
			return fmt.Errorf("sqlstore: file %q: %d bytes read back from the spool, %d received", name, f.Size, size)
		}
		f.SHA256 = sum // the spool hashed the bytes as they came
		if old != nil && old.SHA256 == f.SHA256 && old.Size == f.Size {
			return errUnchanged
		}
		var res store.ApplyResult
		return x.writeRow(tables[domain.KindFile], f, old == nil, &res)
	})
	if errors.Is(err, errUnchanged) {
		return old, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return f, true, nil
}

// lockFileName makes concurrent uploads of one name wait for each other
// until the first commits (PostgreSQL: a transaction advisory lock on the
// name; SQLite's write transactions are serialised already). Without it,
// in READ COMMITTED, the second upload's DELETE would not see the first's
// chunks and its first chunk would collide with theirs.
func (x *tx) lockFileName(name string) error {
	if _, ok := x.s.d.(advisoryDialect); !ok {
		return nil
	}
	_, err := x.exec("SELECT pg_advisory_xact_lock(hashtext('cmtftp file ' || ?))", name)
	return err
}

// spool copies an upload into an unlinked temporary file (os.TempDir)
// before any transaction begins, returning it at its start with the size
// and hex SHA-256 of what came: a slow client then holds no database lock
// (on SQLite a write transaction stops every other writer), and only a
// clean end of r (io.EOF) ends the upload — a body broken off mid-way
// (io.ErrUnexpectedEOF from net/http) is an error, never a shorter file.
func spool(r io.Reader) (*os.File, int64, string, error) {
	f, err := os.CreateTemp("", "cmtftp-upload-*")
	if err != nil {
		return nil, 0, "", fmt.Errorf("spooling the file's bytes: %w", err)
	}
	os.Remove(f.Name()) // gone with the descriptor
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), r)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, 0, "", fmt.Errorf("reading the file's bytes: %w", err)
	}
	return f, n, hex.EncodeToString(h.Sum(nil)), nil
}

// streamChunks writes the bytes of r (the spool) as name's chunks and
// returns their size. One chunk's buffer is all it holds.
func (x *tx) streamChunks(name string, r io.Reader) (int64, error) {
	buf := make([]byte, store.FileChunkBytes)
	var size int64
	for idx := 0; ; idx++ {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			size += int64(n)
			if _, werr := x.exec(insertChunkSQL, name, idx, buf[:n]); werr != nil {
				return 0, werr
			}
		}
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return size, nil // the spool's end: a short last chunk
		case err != nil:
			return 0, fmt.Errorf("reading the spooled bytes: %w", err)
		}
	}
}

// writeChunks replaces name's chunks with data (a record put whole: the
// API's JSON, a site document).
func (x *tx) writeChunks(name string, data []byte) error {
	if _, err := x.exec(deleteChunksSQL, name); err != nil {
		return err
	}
	for idx := 0; len(data) > 0; idx++ {
		n := min(len(data), store.FileChunkBytes)
		if _, err := x.exec(insertChunkSQL, name, idx, data[:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// OpenFile implements store.FileStore. A name that is not a custom file
// costs one query, as Get does (the serving chain asks for every name no
// built file answers); a file's metadata is read again in the snapshot
// its chunks are read from.
func (s *DB) OpenFile(ctx context.Context, name string) (*domain.CustomFile, io.ReadCloser, error) {
	if _, err := get(dbReader{s, ctx}, domain.KindFile, name); err != nil {
		return nil, nil, s.wrap(err)
	}
	sqlTx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, nil, s.wrap(err)
	}
	x := &tx{s: s, tx: sqlTx, ctx: ctx, stmts: map[string]*sql.Stmt{}}
	e, err := get(x, domain.KindFile, name)
	if err != nil {
		x.close()
		return nil, nil, s.wrap(err)
	}
	f := e.(*domain.CustomFile)
	return f, &chunkReader{x: x, f: f, left: f.Size, h: sha256.New()}, nil
}

// close ends a read-only transaction.
func (x *tx) close() error {
	for _, st := range x.stmts {
		st.Close()
	}
	x.stmts = nil
	return x.tx.Rollback()
}

// chunkReader reads a file's chunks in order, one query each, checking
// the size and SHA-256 as it ends.
type chunkReader struct {
	x    *tx
	f    *domain.CustomFile
	idx  int
	buf  []byte // the chunk read last
	next []byte // what of buf is left to read
	left int64  // bytes of the file not yet read into buf
	h    hash.Hash
	err  error // sticky
}

// Read implements io.Reader.
func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.next) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		c.err = c.fill()
	}
	n := copy(p, c.next)
	c.next = c.next[n:]
	return n, nil
}

// fill reads the next chunk into buf, or returns the error that ends the
// stream: io.EOF when every byte came and matches the SHA-256.
func (c *chunkReader) fill() error {
	if c.left == 0 {
		if err := c.check(); err != nil {
			return err
		}
		return io.EOF
	}
	rows, err := c.x.query(chunkSQL, c.f.Name, c.idx)
	if err != nil {
		return c.x.s.wrap(err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return c.x.s.wrap(err)
		}
		return fmt.Errorf("%w: file %q: chunk %d is missing (%d bytes short)", store.ErrCorrupt, c.f.Name, c.idx, c.left)
	}
	var raw sql.RawBytes
	if err := rows.Scan(&raw); err != nil {
		return c.x.s.wrap(err)
	}
	if len(raw) == 0 || int64(len(raw)) > c.left {
		return fmt.Errorf("%w: file %q: chunk %d has %d bytes, %d were left", store.ErrCorrupt, c.f.Name, c.idx, len(raw), c.left)
	}
	c.buf = append(c.buf[:0], raw...)
	c.left -= int64(len(raw))
	c.h.Write(c.buf)
	c.idx++
	if c.left == 0 {
		// The last bytes go out only once the whole file matches: a reader
		// that sent them on (an HTTP response of the file's length) would
		// have delivered a complete-looking corrupt file before the error.
		if err := c.check(); err != nil {
			return err
		}
	}
	c.next = c.buf
	return c.x.s.wrap(rows.Close())
}

// check compares the SHA-256 of what was read with the stored one.
func (c *chunkReader) check() error {
	if sum := hex.EncodeToString(c.h.Sum(nil)); sum != c.f.SHA256 {
		return fmt.Errorf("%w: file %q reads back with SHA-256 %s, stored %s", store.ErrCorrupt, c.f.Name, sum, c.f.SHA256)
	}
	return nil
}

// Close ends the reader's snapshot.
func (c *chunkReader) Close() error {
	if c.x.stmts == nil {
		return nil
	}
	c.err, c.next = errClosed, nil
	return c.x.close()
}

// errClosed is what a closed chunkReader reads.
var errClosed = errors.New("sqlstore: file reader closed")

// fileData reads the bytes of f (its metadata read already) through
// OpenFile when it is small enough to return inline (store.InlineFileBytes).
func (s *DB) fileData(ctx context.Context, f *domain.CustomFile) error {
	if f.Size > store.InlineFileBytes {
		return nil
	}
	cur, r, err := s.OpenFile(ctx, f.Name)
	if err != nil {
		return err
	}
	defer r.Close()
	if cur.Size > store.InlineFileBytes { // replaced since f was read
		*f = *cur
		return nil
	}
	data := make([]byte, cur.Size)
	if _, err := io.ReadFull(r, data); err != nil {
		return err
	}
	if _, err := r.Read(make([]byte, 1)); !errors.Is(err, io.EOF) { // the reader checks the SHA-256 as it ends
		return trailingErr(err)
	}
	*f = *cur
	f.Data = data
	return nil
}

// trailingErr is err, or ErrCorrupt when a stream that should have ended
// did not.
func trailingErr(err error) error {
	if err == nil {
		return fmt.Errorf("%w: more bytes than the stored size", store.ErrCorrupt)
	}
	return err
}
