package keys

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Fingerprint returns the SHA-1 and SHA-256 fingerprints of a certificate
// (DER) as phones and CUCM show them: upper-case hex pairs joined by ':'.
func Fingerprint(der []byte) (sha1Hex, sha256Hex string) {
	s1 := sha1.Sum(der)
	s256 := sha256.Sum256(der)
	return colonHex(s1[:]), colonHex(s256[:])
}

// colonHex writes b as upper-case hex pairs joined by ':'.
func colonHex(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(strings.ToUpper(hex.EncodeToString([]byte{c})))
	}
	return sb.String()
}

// CertHash returns the certHash of a device certificate (DER) that the
// stub of an encrypted configuration carries (§11.3): the lower-case hex
// MD5 of the DER.
func CertHash(der []byte) string {
	sum := md5.Sum(der)
	return hex.EncodeToString(sum[:])
}
