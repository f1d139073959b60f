package trust

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Fingerprint returns the SHA-1 and SHA-256 fingerprints of a certificate's
// DER bytes as phones and CUCM show them: upper-case hex pairs separated by
// colons ("A9:99:3E:…").
func Fingerprint(der []byte) (sha1Hex, sha256Hex string) {
	s1 := sha1.Sum(der)
	s256 := sha256.Sum256(der)
	return colonHex(s1[:]), colonHex(s256[:])
}

// colonHex formats b as upper-case hex pairs joined by ':'.
func colonHex(b []byte) string {
	const digits = "0123456789ABCDEF"
	var sb strings.Builder
	sb.Grow(3 * len(b))
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteByte(digits[c>>4])
		sb.WriteByte(digits[c&0x0F])
	}
	return sb.String()
}

// CertHash is the certHash an encrypted configuration's stub carries for
// the phone's certificate (§11.3): the lower-case hex MD5 of its DER.
func CertHash(der []byte) string {
	sum := md5.Sum(der)
	return hex.EncodeToString(sum[:])
}
