package main

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"strings"

	"cmtftp/internal/domain"
)

// lineTable holds every line of a site packed into one byte slice, so that
// a build of a million devices keeps their two million lines in a few tens
// of bytes each rather than as records the garbage collector scans. Each
// record is the line's fields back to back (strings length-prefixed, then
// the integers as varints); offs holds where each starts, in number order.
type lineTable struct {
	data []byte
	offs []uint32
}

// errLineTableFull says that the packed lines passed the 4 GiB its offsets
// can address.
var errLineTableFull = errors.New("build: more than 4 GiB of lines")

// add appends l. Lines may come in any order; call sort after the last.
func (t *lineTable) add(l *domain.Line) error {
	if len(t.data) > math.MaxUint32 {
		return errLineTableFull
	}
	t.offs = append(t.offs, uint32(len(t.data)))
	b := t.data
	for _, s := range [...]string{l.Number, l.DisplayName, l.Label, l.AuthName, l.AuthPassword, l.VoicemailPilot} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendVarint(b, int64(l.MWIPolicy))
	t.data = binary.AppendVarint(b, int64(l.MaxCalls))
	return nil
}

// sort puts the records in number order, unless the store already gave
// them so (SQLite's key order is Go's; a PostgreSQL collation may not be).
func (t *lineTable) sort() {
	cmp := func(a, b uint32) int { return strings.Compare(string(t.key(a)), string(t.key(b))) }
	if !slices.IsSortedFunc(t.offs, cmp) {
		slices.SortFunc(t.offs, cmp)
	}
}

// key returns the number of the record at off, without copying it.
func (t *lineTable) key(off uint32) []byte {
	n, k := binary.Uvarint(t.data[off:])
	start := int(off) + k
	return t.data[start : start+int(n)]
}

// get returns the line with the number, decoded into a new record.
func (t *lineTable) get(number string) (*domain.Line, bool) {
	i, ok := slices.BinarySearchFunc(t.offs, number, func(off uint32, n string) int { return strings.Compare(string(t.key(off)), n) })
	if !ok {
		return nil, false
	}
	return t.decode(t.offs[i]), true
}

// decode reads the record at off.
func (t *lineTable) decode(off uint32) *domain.Line {
	b := t.data[off:]
	str := func() string {
		n, k := binary.Uvarint(b)
		s := string(b[k : k+int(n)])
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
