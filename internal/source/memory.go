package source

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Memory is a File over bytes held in memory. Close does nothing, so one
// Memory can be handed to many transfers at once.
type Memory struct {
	b      []byte
	mod    time.Time
	origin string

	hashOnce sync.Once
	hash     string
	memo     [MemoSlots]atomic.Value
}

// MemoSlots is how many values Memo keeps for one Memory.
const MemoSlots = 4

// Memo returns the value kept in slot for these bytes, made by make on
// first use: what a server derives from a file once per version (httpd
// keeps its header fields there, one slot per Content-Type). Two callers
// racing on an empty slot may both call make; the value kept is one of
// theirs, so make must give equal values. slot must be below MemoSlots.
func (m *Memory) Memo(slot int, make func() any) any {
	if v := m.memo[slot].Load(); v != nil {
		return v
	}
	v := make()
	m.memo[slot].CompareAndSwap(nil, v)
	return m.memo[slot].Load()
}

var _ File = (*Memory)(nil)

// NewMemory returns a File reading b, which must not change afterwards.
func NewMemory(b []byte, mod time.Time) *Memory {
	return &Memory{b: b, mod: mod}
}

// NewMemoryFrom returns a File reading b that came from another cluster,
// named origin (the boot timeline shows it).
func NewMemoryFrom(b []byte, mod time.Time, origin string) *Memory {
	return &Memory{b: b, mod: mod, origin: origin}
}

// Origin names the cluster the bytes came from; "" for this server's own.
func (m *Memory) Origin() string { return m.origin }

// OriginOf names the cluster f came from ("" when it is this server's own).
func OriginOf(f File) string {
	if o, ok := f.(interface{ Origin() string }); ok {
		return o.Origin()
	}
	return ""
}

// Signed is implemented by a file this server signed (or encrypted) as it
// served it: SignedBy names the key, the way the boot timeline shows it.
type Signed interface {
	SignedBy() string
}

// SignerOf names the key that signed f here ("" for a file served as it
// is stored, signed elsewhere or not at all).
func SignerOf(f File) string {
	if s, ok := f.(Signed); ok {
		return s.SignedBy()
	}
	return ""
}

// ReadAt reads from the bytes at off, as io.ReaderAt says.
func (m *Memory) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("source: negative offset")
	}
	if off >= int64(len(m.b)) {
		return 0, io.EOF
	}
	n := copy(p, m.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Size is the number of bytes.
func (m *Memory) Size() int64 { return int64(len(m.b)) }

// ModTime is the time given to NewMemory.
func (m *Memory) ModTime() time.Time { return m.mod }

// Bytes returns the bytes themselves, for readers that can use them without
// a copy. The caller must not change them.
func (m *Memory) Bytes() []byte { return m.b }

// Close does nothing.
func (m *Memory) Close() error { return nil }

// SHA256 returns the hex SHA-256 of the bytes, computed on first use and
// kept: a file served many times is hashed once.
func (m *Memory) SHA256() string {
	m.hashOnce.Do(func() {
		sum := sha256.Sum256(m.b)
		m.hash = hex.EncodeToString(sum[:])
	})
	return m.hash
}
