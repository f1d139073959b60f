package built

import (
	"crypto/sha256"
	"time"
	"unique"
	"unsafe"

	"cmtftp/internal/render"
	"cmtftp/internal/source"
)

// A kept file is one fixed 64-byte entry and one string holding the rest:
//
//	0   name length   uint16
//	2   own deps      uint16, their encoded length (deps.go)
//	4   file length   uint32, decompressed
//	8   built at      int64, Unix nanoseconds
//	16  SHA-256       32 bytes, of the file decompressed (zero when kept as it is)
//	48  the name, the own deps, the compressed bytes
//
// The name in it is also the key of the cache's map, so a kept compressed
// device file is two allocations (~300 bytes with a ~140-byte file) and a
// map slot. The dependencies many files share (model, pool, group,
// servers, parameters…) are one interned string for all of them.

// kept is a built file in the cache, on the list of kept files.
type kept struct {
	data   string                // header, name, own deps, compressed bytes (above)
	shared unique.Handle[string] // the shared deps, encoded (deps.go)
	c      *codec                // the dictionary of the compressed bytes; nil when kept as it is
	f      *source.Memory        // the file as it is; nil when kept compressed
	// gen is the generation the build started at, or a later one at which
	// the file was found current (every change moves the generation).
	gen        uint64
	prev, next *kept // the list, most recently served first
}

// headerSize is the fixed start of kept.data.
const headerSize = 48

// newKept is the entry of the file f named name, rendered from deps, kept
// compressed as z with c, or as f itself when z is nil. It reports false
// for a file too large for the entry's fields (not kept).
func newKept(name string, f *source.Memory, deps []render.Dep, z []byte, c *codec) (*kept, bool) {
	b := f.Bytes()
	own, shared := encodeDeps(name, deps)
	if len(name) > 0xffff || len(own) > 0xffff || int64(len(b)) > 0xffffffff {
		return nil, false
	}
	buf := make([]byte, headerSize, headerSize+len(name)+len(own)+len(z))
	put16(buf[0:], len(name))
	put16(buf[2:], len(own))
	put32(buf[4:], uint64(len(b)))
	mod := uint64(f.ModTime().UnixNano())
	put32(buf[8:], mod)
	put32(buf[12:], mod>>32)
	k := &kept{shared: unique.Make(shared)}
	if z != nil {
		sum := sha256.Sum256(b)
		copy(buf[16:], sum[:])
		k.c = c
	} else {
		k.f = f
	}
	buf = append(append(append(buf, name...), own...), z...)
	k.data = unsafe.String(unsafe.SliceData(buf), len(buf)) // buf is not written again
	return k, true
}

func put16(b []byte, v int) { b[0], b[1] = byte(v), byte(v>>8) }

func put32(b []byte, v uint64) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

func get16(s string, at int) int { return int(s[at]) | int(s[at+1])<<8 }

func get32(s string, at int) uint64 {
	return uint64(s[at]) | uint64(s[at+1])<<8 | uint64(s[at+2])<<16 | uint64(s[at+3])<<24
}

// name is the file's name.
func (k *kept) name() string { return k.data[headerSize : headerSize+get16(k.data, 0)] }

// own is the encoding of the deps the file does not share (deps.go).
func (k *kept) own() string {
	at := headerSize + get16(k.data, 0)
	return k.data[at : at+get16(k.data, 2)]
}

// z is the file compressed; empty when kept as it is.
func (k *kept) z() string { return k.data[headerSize+get16(k.data, 0)+get16(k.data, 2):] }

// size is the file's length decompressed.
func (k *kept) size() int64 { return int64(get32(k.data, 4)) }

// mod is when the file was built.
func (k *kept) mod() time.Time { return time.Unix(0, int64(get32(k.data, 8)|get32(k.data, 12)<<32)) }

// sum is the file's SHA-256 (kept compressed only).
func (k *kept) sum() (s [sha256.Size]byte) {
	copy(s[:], k.data[16:16+sha256.Size])
	return s
}

// mapSlot is what one entry of the cache's map costs, on average over the
// map's growth (a 24-byte slot of a Swiss table between 7/16 and 7/8
// full, with its control bytes).
const mapSlot = 40

// memoryCost is what a file kept as it is costs beyond its bytes: its
// source.Memory and the hex hash a first HTTP request gives it.
const memoryCost = int64(unsafe.Sizeof(source.Memory{})) + 2*sha256.Size

// charge is the heap a kept file holds, as the allocator rounds it: the
// budget counts the memory the cache really takes. The shared deps are
// interned: one per set of files sharing them, not counted.
func (k *kept) charge() int64 {
	n := allocSize(int64(unsafe.Sizeof(kept{}))) + allocSize(int64(len(k.data))) + mapSlot
	if k.f != nil {
		n += allocSize(memoryCost) + allocSize(k.f.Size())
	}
	return n
}

// sizeClasses are the Go allocator's small object sizes (runtime/sizeclasses.go);
// TestAllocSize checks them against the runtime.
var sizeClasses = [...]int64{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
	288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048,
	2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880,
	12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768}

// allocSize is the heap an allocation of n bytes takes: its size class,
// or whole 8 KiB pages past the largest.
func allocSize(n int64) int64 {
	if n > sizeClasses[len(sizeClasses)-1] {
		return (n + 8191) &^ 8191
	}
	lo, hi := 0, len(sizeClasses)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if sizeClasses[mid] < n {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return sizeClasses[lo]
}
