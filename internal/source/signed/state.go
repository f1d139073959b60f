// Package signed is the chain step that makes a cluster secure (spec §11):
// in mixed mode it answers the trust-list names with lists built from the
// keys, signs every configuration-type file X as X.sgn (once per content
// version and key), serves encrypted devices their stub and their
// SEP<MAC>.cnf.xml.enc.sgn, and passes firmware and files already signed
// through byte for byte. It wraps the local chain (built files, custom
// files, constant cache, disk, alternate locations); files of other
// clusters' servers never pass through it, so their signatures stay
// theirs.
package signed

import (
	"context"
	"crypto/x509"
	"fmt"

	"cmtftp/internal/trust"
)

// State is the security state requests are served with. The assembly
// builds a new one, and swaps it in whole, when the mode parameter, the
// keys or the call-control servers change; cached files are tied to the
// State they were made under, so a swap makes them all again.
type State struct {
	// Mixed is true when ClusterSecurityMode is mixed. False is a
	// non-secure cluster: every request, the trust-list and .sgn names
	// too, is passed to the inner chain as it is.
	Mixed bool
	// Signer is the TFTP key: it signs the .sgn and .enc.sgn files.
	Signer trust.Signer
	// SignerName is how the boot timeline names the key, e.g.
	// "tftp#3 SHA-1 AB:CD:…".
	SignerName string
	// Hash is the hash the files are signed with: trust.SHA512 or
	// trust.SHA1 (zero is SHA-512).
	Hash trust.Hash
	// ListSignerName is how the boot timeline names the SAST that signs
	// the trust lists.
	ListSignerName string
	// TrustList builds the ITL (ctl false) or the CTL whose header names
	// the file name, signed by the SAST.
	TrustList func(name string, ctl bool) ([]byte, error)
	// DeviceCert returns a device's certificate, the one its encrypted
	// configuration is encrypted to; an error wrapping source.ErrNotFound
	// when it has none.
	DeviceCert func(ctx context.Context, device string) (*x509.Certificate, error)
}

// Kind is what a signing made, for the OnSign hook.
type Kind int

// The kinds of signing.
const (
	// Sign is a signed file X.sgn (and the stub of an encrypted device).
	Sign Kind = iota
	// Encrypt is an encrypted configuration SEP<MAC>.cnf.xml.enc.sgn.
	Encrypt
	// TrustList is an ITL or a CTL.
	TrustList
)

// String names the kind as the metrics label it: file, encrypt, trustlist.
func (k Kind) String() string {
	switch k {
	case Sign:
		return "file"
	case Encrypt:
		return "encrypt"
	case TrustList:
		return "trustlist"
	}
	return fmt.Sprintf("kind%d", int(k))
}
