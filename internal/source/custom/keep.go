package custom

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
)

// loadTimeout bounds one load from the database. A load goes on when the
// request that began it gives up: others may be waiting for it.
const loadTimeout = 2 * time.Minute

// missCost is what remembering that a name is not a custom file costs,
// besides the name.
const missCost = 64

// load reads e's file and ends e's loading. A change to the file while it
// loads (its event may trail the commit the load already saw) does not
// drop the load, which would make the next request load a second copy: the
// stored SHA-256 is looked at again, and the bytes read are kept if they
// are still the stored ones, read again otherwise.
func (s *Source) load(ctx context.Context, e *entry) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), loadTimeout)
	defer cancel()
	for range 3 {
		file, err := s.fetch(ctx, e.name)
		if err != nil || !s.takeChanged(e) {
			s.finish(e, file, err)
			return
		}
		cur, err := s.current(ctx, e.name)
		if err != nil {
			s.finish(e, nil, err)
			return
		}
		if cur == sumOf(file) && !s.takeChanged(e) {
			s.finish(e, file, nil)
			return
		}
	}
	s.finish(e, nil, fmt.Errorf("%w: custom file %q keeps changing while it loads", source.ErrBusy, e.name))
}

// takeChanged reports whether e's file changed since the last call, and
// clears the mark.
func (s *Source) takeChanged(e *entry) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := e.changed
	e.changed = false
	return changed
}

// current returns the stored SHA-256 of name ("" when it is not a custom
// file).
func (s *Source) current(ctx context.Context, name string) (string, error) {
	f, r, err := s.Store.OpenFile(ctx, name)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("%w: %w", source.ErrBusy, err)
	}
	r.Close()
	return f.SHA256, nil
}

func sumOf(f *source.Memory) string {
	if f == nil {
		return ""
	}
	return f.SHA256()
}

// finish ends e's loading with its answer, and keeps the answer unless e
// was dropped meanwhile (a resync), the answer is busy, or the file
// changed after load last looked (its event came between takeChanged and
// here): the requests waiting get the answer, the next one loads again.
func (s *Source) finish(e *entry, file *source.Memory, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e.file, e.err, e.loaded = file, err, true
	close(e.done)
	if s.files[e.name] != e {
		return
	}
	if err != nil || e.changed {
		delete(s.files, e.name)
		return
	}
	e.cost = int64(len(e.name)) + missCost
	if file != nil {
		e.cost += file.Size()
	}
	e.elem = s.lru.PushFront(e)
	s.bytes += e.cost
	max := s.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	for s.bytes > max && s.lru.Len() > 1 {
		s.drop(s.lru.Back().Value.(*entry).name)
	}
}

// drop forgets name's entry (s.mu held).
func (s *Source) drop(name string) {
	e, ok := s.files[name]
	if !ok {
		return
	}
	delete(s.files, name)
	if e.elem != nil {
		s.lru.Remove(e.elem)
		s.bytes -= e.cost
		e.elem = nil
	}
}

// fetch reads name's bytes from the database into one new slice and checks
// them against the stored SHA-256: nil, nil when name is not a custom
// file; source.ErrBusy when the database cannot answer or the bytes do not
// match (logged).
func (s *Source) fetch(ctx context.Context, name string) (*source.Memory, error) {
	f, r, err := s.Store.OpenFile(ctx, name)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("%w: %w", source.ErrBusy, err)
	}
	defer r.Close()
	b := make([]byte, f.Size)
	if err := readCollecting(r, b); err != nil {
		if errors.Is(err, store.ErrCorrupt) || errors.Is(err, io.ErrUnexpectedEOF) {
			s.corrupt(ctx, name, err)
		}
		return nil, fmt.Errorf("%w: custom file %q: %w", source.ErrBusy, name, err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != f.SHA256 {
		err := fmt.Errorf("read back with SHA-256 %s, stored %s", got, f.SHA256)
		s.corrupt(ctx, name, err)
		return nil, fmt.Errorf("%w: custom file %q: %w", source.ErrBusy, name, err)
	}
	return source.NewMemory(b, f.Modified), nil
}

// collectEvery is how many bytes of a file loading are read between
// forced garbage collections.
const collectEvery = 8 << 20

// readCollecting fills b from r. The database drivers allocate every
// chunk they return anew, so a load leaves as much garbage as the file is
// large; left to its pacer, the collector lets that garbage grow the heap
// by as much again as the copy kept (a 40 MiB load took a server's
// resident set up by 80–90 MiB; collecting every 8 MiB, by 54–60 MiB:
// TestLargeCustomFileTwoServers). The few collections cost little, once
// per file and server.
func readCollecting(r io.Reader, b []byte) error {
	for len(b) > 0 {
		n := min(len(b), collectEvery)
		if _, err := io.ReadFull(r, b[:n]); err != nil {
			return err
		}
		if b = b[n:]; len(b) > 0 {
			runtime.GC()
		}
	}
	return nil
}

// corrupt logs a custom file whose chunks do not add up to its size or do
// not match its SHA-256.
func (s *Source) corrupt(ctx context.Context, name string, err error) {
	if s.Logger != nil {
		s.Logger.ErrorContext(ctx, "custom file not served: its bytes in the database are not the ones stored", "file", name, "err", err)
	}
}
