package sitebuild

import (
	"encoding/binary"
	"errors"
	"hash/maphash"
	"unsafe"

	"cmtftp/internal/domain"
)

// lineTable holds every line of a site packed into chunks of bytes, so
// that a build of a million devices keeps their two million lines in a few
// tens of bytes each rather than as records the garbage collector scans,
// and grows a chunk at a time rather than by doubling one slice. Each
// record is the line's fields back to back (strings length-prefixed, then
// the integers as varints) within one chunk; offs holds where each starts
// (chunk << chunkBits | position). slots is an open addressing hash table
// of the numbers (1 + an index into offs; 0 empty), made by index once
// every line is added: one or two probes a lookup.
type lineTable struct {
	chunks  [][]byte
	offs    []uint32
	slots   []uint32
	seed    maphash.Seed
	scratch []byte
}

// chunkBits sizes the chunks (1 MiB); a record longer than that gets a
// chunk of its own, so a position always fits.
const chunkBits = 20

// errLineTableFull says that the packed lines passed the 4 GiB (4,096
// chunks) the offsets can address.
var errLineTableFull = errors.New("build: more than 4 GiB of lines")

// add appends l; call index after the last.
func (t *lineTable) add(l *domain.Line) error {
	b := t.scratch[:0]
	for _, s := range [...]string{l.Number, l.DisplayName, l.Label, l.AuthName, l.AuthPassword, l.VoicemailPilot} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendVarint(b, int64(l.MWIPolicy))
	b = binary.AppendVarint(b, int64(l.MaxCalls))
	t.scratch = b
	if n := len(t.chunks); n == 0 || len(t.chunks[n-1])+len(b) > cap(t.chunks[n-1]) {
		if n == 1<<(32-chunkBits) {
			return errLineTableFull
		}
		t.chunks = append(t.chunks, make([]byte, 0, max(1<<chunkBits, len(b))))
	}
	c := len(t.chunks) - 1
	t.offs = append(t.offs, uint32(c)<<chunkBits|uint32(len(t.chunks[c])))
	t.chunks[c] = append(t.chunks[c], b...)
	return nil
}

// merge appends the lines of o (which it leaves shared) to t; call index
// after the last.
func (t *lineTable) merge(o *lineTable) error {
	if len(t.chunks)+len(o.chunks) > 1<<(32-chunkBits) {
		return errLineTableFull
	}
	base := uint32(len(t.chunks)) << chunkBits
	t.chunks = append(t.chunks, o.chunks...)
	for _, off := range o.offs {
		t.offs = append(t.offs, base+off)
	}
	return nil
}

// record returns the bytes from the start of the record at off to the end
// of its chunk.
func (t *lineTable) record(off uint32) []byte {
	return t.chunks[off>>chunkBits][off&(1<<chunkBits-1):]
}

// index makes the hash table of the numbers, at most half full; call it
// after the last add and before the first get.
func (t *lineTable) index() {
	n := 16
	for n < 2*len(t.offs) {
		n *= 2
	}
	t.seed = maphash.MakeSeed()
	t.slots = make([]uint32, n)
	mask := uint64(n - 1)
	for i, off := range t.offs {
		j := maphash.Bytes(t.seed, t.key(off)) & mask
		for t.slots[j] != 0 {
			j = (j + 1) & mask
		}
		t.slots[j] = uint32(i + 1)
	}
}

// key returns the number of the record at off, without copying it.
func (t *lineTable) key(off uint32) []byte {
	b := t.record(off)
	n, k := binary.Uvarint(b)
	return b[k : k+int(n)]
}

// get returns the line with the number, decoded into a new record.
func (t *lineTable) get(number string) (*domain.Line, bool) {
	if len(t.slots) == 0 {
		return nil, false
	}
	mask := uint64(len(t.slots) - 1)
	for j := maphash.String(t.seed, number) & mask; t.slots[j] != 0; j = (j + 1) & mask {
		if off := t.offs[t.slots[j]-1]; string(t.key(off)) == number {
			return t.decode(off), true
		}
	}
	return nil, false
}

// decode reads the record at off. Its strings are not copied: they point
// into the chunk, which nothing changes once index has run (a build reads
// two million lines this way, twelve million strings it does not allocate).
func (t *lineTable) decode(off uint32) *domain.Line {
	b := t.record(off)
	str := func() string {
		n, k := binary.Uvarint(b)
		var s string
		if n > 0 {
			s = unsafe.String(&b[k], int(n))
		}
		b = b[k+int(n):]
		return s
	}
	num := func() int {
		v, k := binary.Varint(b)
		b = b[k:]
		return int(v)
	}
	l := &domain.Line{Number: str(), DisplayName: str(), Label: str(), AuthName: str(), AuthPassword: str(), VoicemailPilot: str()}
	l.MWIPolicy = num()
	l.MaxCalls = num()
	return l
}

// len returns the number of lines held.
func (t *lineTable) len() int { return len(t.offs) }
