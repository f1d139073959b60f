// Package keys keeps the signing keys cmtftp owns (issue 16; spec
// ../shared/spec/cisco-formats.md §11): the SAST key pairs that sign the
// trust lists, the TFTP key pair (RSA) that signs the .sgn files and serves
// HTTPS on 6971, and optionally an EC (P-256) HTTPS key pair that serves
// HTTPS on 6971 instead — named in the trust lists as a second TFTP record,
// at signer version 1.1 (§11.4, §1.1) — stored through store.KeyStore with
// each private key sealed under the operator's secret; other clusters'
// TFTP certificates the lists also name (Trust, centralized TFTP); the
// call-control servers' certificates the CTL lists as CallManager records;
// and the devices' certificates.
//
// A private key never leaves this package in clear but as a crypto.Signer
// (or the tls.Certificate of the TFTP key); the store, the logs and the
// exports see only sealed bytes. Sealing is AES-256-GCM under a key
// derived from the secret with HKDF-SHA256, with a random nonce and the
// key's role and the SHA-256 of its certificate as additional data, so a
// sealed key moved onto another certificate or role does not open.
//
// Rotation follows the trust-list rollover rule of §11.2: a list holds at
// most two SAST records, and a phone that installed list N accepts list
// N+1 only when a SAST of list N signs it. Init makes {SAST1, TFTP1}, the
// lists signed by SAST1; the first Rotate makes {SAST1, SAST2, TFTP2},
// still signed by SAST1; the next {SAST2, SAST3, TFTP3}, signed by SAST2:
// the list signer is always the oldest active SAST. The TFTP and HTTPS
// keys are replaced on each rotation. The store checks, in the rotation's
// transaction, that the active keys are those the rotation started from,
// so of two rotations at once one fails (store.ErrKeysChanged).
package keys
