package render

import (
	"bytes"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"hash"
	"sync"
)

// stampHolder reserves the place of a version stamp while the rest of a
// file is rendered; the stamp is a hash of everything else.
const stampHolder = "00000000-0000-0000-0000-000000000000"

// stamp replaces the placeholder with a UUID-shaped hash of the file, so an
// unchanged file keeps its stamp and a phone does not re-apply it. The hash
// is the SHA-256 of the file with the placeholder in place (its first 16
// bytes, hex); stampSum computes it.
func stamp(b []byte) []byte {
	i := bytes.Index(b, []byte(stampHolder))
	if i < 0 {
		return b
	}
	sum := stampSum(b)
	var h [32]byte
	hex.Encode(h[:], sum[:16])
	s := string(h[0:8]) + "-" + string(h[8:12]) + "-" + string(h[12:16]) + "-" + string(h[16:20]) + "-" + string(h[20:32])
	copy(b[i:], s)
	return b
}

// stampPrefixes holds the prefixHashers of the goroutines rendering: one
// is taken for each stamp (a sync.Pool keeps about one per core).
var stampPrefixes = sync.Pool{New: func() any { return new(prefixHasher) }}

// stampSum returns the SHA-256 of b, as sha256.Sum256 does.
func stampSum(b []byte) [sha256.Size]byte {
	p := stampPrefixes.Get().(*prefixHasher)
	defer stampPrefixes.Put(p)
	return p.sum(b)
}

// minSharedPrefix is the shortest leading run of bytes worth remembering the
// hash state of: below it, comparing and restoring costs what it saves.
const minSharedPrefix = 512

// prefixHasher computes SHA-256 sums of files that share a long leading run
// of bytes — the device files of one site share their pool, call-control
// servers and SIP profile, rendered before anything of the device — by
// remembering the state of the hash after the run the last two files it
// hashed whole had in common, so that the next file with that same run
// hashes only what follows it. The sums are those of sha256.Sum256.
type prefixHasher struct {
	h      hash.Hash
	prev   []byte // the last file hashed whole
	prefix []byte // a multiple of the block size long; the state after it is saved
	saved  []byte // the hash's state after prefix (MarshalBinary)
}

// sum returns the SHA-256 of b.
func (p *prefixHasher) sum(b []byte) (out [sha256.Size]byte) {
	if p.h == nil {
		p.h = sha256.New()
	}
	if n := len(p.prefix); n > 0 && len(b) >= n && bytes.Equal(b[:n], p.prefix) &&
		p.h.(encoding.BinaryUnmarshaler).UnmarshalBinary(p.saved) == nil {
		p.h.Write(b[n:])
		p.h.Sum(out[:0])
		return out
	}
	n := commonPrefix(p.prev, b) &^ (sha256.BlockSize - 1)
	p.h.Reset()
	p.h.Write(b[:n])
	if n >= minSharedPrefix {
		if saved, err := p.h.(encoding.BinaryAppender).AppendBinary(p.saved[:0]); err == nil {
			p.saved, p.prefix = saved, append(p.prefix[:0], b[:n]...)
		}
	}
	p.h.Write(b[n:])
	p.h.Sum(out[:0])
	p.prev = append(p.prev[:0], b...)
	return out
}

// commonPrefix returns the length of the leading run a and b share.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	// Compare in large steps first: bytes.Equal is a vectorised memcmp.
	i := 0
	for step := 1024; step >= 8; step /= 8 {
		for i+step <= n && bytes.Equal(a[i:i+step], b[i:i+step]) {
			i += step
		}
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// Hash returns the SHA-256 of a built file, hex: the ETag and the change
// detector of the serving chain.
func Hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
