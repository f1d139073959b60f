package custom

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
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

// load reads e's file, ends e's loading and keeps the answer unless e was
// dropped meanwhile (its file changed) or the answer is busy.
func (s *Source) load(ctx context.Context, e *entry) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), loadTimeout)
	defer cancel()
	file, err := s.fetch(ctx, e.name)
	s.mu.Lock()
	defer s.mu.Unlock()
	e.file, e.err = file, err
	close(e.done)
	if s.files[e.name] != e {
		return
	}
	if err != nil {
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
	if _, err := io.ReadFull(r, b); err != nil {
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

// corrupt logs a custom file whose chunks do not add up to its size or do
// not match its SHA-256.
func (s *Source) corrupt(ctx context.Context, name string, err error) {
	if s.Logger != nil {
		s.Logger.ErrorContext(ctx, "custom file not served: its bytes in the database are not the ones stored", "file", name, "err", err)
	}
}
