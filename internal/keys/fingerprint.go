package keys

import "cmtftp/internal/trust"

// Fingerprint returns the SHA-1 and SHA-256 fingerprints of a certificate
// (DER) as phones and CUCM show them (trust.Fingerprint).
func Fingerprint(der []byte) (sha1Hex, sha256Hex string) { return trust.Fingerprint(der) }
