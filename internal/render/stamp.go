package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
)

// stampHolder reserves the place of a version stamp while the rest of a
// file is rendered; the stamp is a hash of everything else.
const stampHolder = "00000000-0000-0000-0000-000000000000"

// stamp replaces the placeholder with a UUID-shaped hash of the file, so an
// unchanged file keeps its stamp and a phone does not re-apply it.
func stamp(b []byte) []byte {
	i := bytes.Index(b, []byte(stampHolder))
	if i < 0 {
		return b
	}
	sum := sha256.Sum256(b)
	var h [32]byte
	hex.Encode(h[:], sum[:16])
	s := string(h[0:8]) + "-" + string(h[8:12]) + "-" + string(h[12:16]) + "-" + string(h[16:20]) + "-" + string(h[20:32])
	copy(b[i:], s)
	return b
}

// Hash returns the SHA-256 of a built file, hex: the ETag and the change
// detector of the serving chain.
func Hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
