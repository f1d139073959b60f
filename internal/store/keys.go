package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cmtftp/internal/domain"
)

// KindKeys is the kind of the change event a write of the signing keys
// causes (key ""): every server reloads its keys and rebuilds its trust
// lists. Keys are not records of the site document: they are never in
// an export, and Get/List/Put do not know them.
const KindKeys domain.Kind = "keys"

// KeyRole is what a signing key pair is for.
type KeyRole string

// The roles cmtftp keeps keys for.
const (
	// KeySAST is the signing authority: it signs the trust lists, and
	// the lists name it (role SAST, spec §11.2).
	KeySAST KeyRole = "sast"
	// KeyTFTP is the TFTP server's key, RSA: it signs the .sgn files,
	// and its certificate serves HTTPS on 6971 when there is no KeyHTTPS.
	KeyTFTP KeyRole = "tftp"
	// KeyHTTPS is an optional EC (P-256) key of the TFTP server whose
	// certificate serves HTTPS on 6971 instead: the trust lists name it as
	// a second TFTP record, at signer version 1.1 (spec §11.4, §1.1). It
	// signs no file.
	KeyHTTPS KeyRole = "https"
	// KeyTrusted is another cluster's TFTP certificate, imported by the
	// admin (cmtftp keys trust add): the trust lists name it as a TFTP
	// record, so that a phone of that cluster booting through this one
	// (centralized TFTP) accepts that cluster's signed files — CUCM's bulk
	// certificate import. A certificate only: Sealed is empty.
	KeyTrusted KeyRole = "trusted"
)

// ErrKeysChanged reports a RotateKeys whose caller saw other active keys
// than the store holds when it writes: another rotation (or Init) came
// first. Nothing was written; reading the keys again and repeating the
// rotation is safe.
var ErrKeysChanged = errors.New("store: the signing keys changed meanwhile (another rotation?): run it again")

// Key is one signing key pair as the database keeps it. The store never
// sees a private key in clear: Sealed is what the keys package sealed it
// to (the private key encrypted under the operator's secret).
type Key struct {
	// ID is assigned by the store when the key is added, increasing.
	ID int64 `json:"id"`
	// Role is what the key is for.
	Role KeyRole `json:"role"`
	// Cert is the X.509 certificate, DER.
	Cert []byte `json:"-"`
	// Sealed is the private key, sealed; never written to a log or an
	// export, never served.
	Sealed []byte `json:"-"`
	// Created is when the key was added.
	Created time.Time `json:"created"`
	// Retired is set when a rotation took the key out of the trust lists.
	Retired bool `json:"retired"`
}

// KeyStore keeps the signing keys, the devices' certificates and the
// call-control servers' certificates. Both backends implement it.
type KeyStore interface {
	// RotateKeys adds the keys add (their ID and Created are set by the
	// store and returned) and marks the keys whose IDs are in retire
	// retired, in one transaction; it causes one KindKeys change event.
	// active is the set of IDs of the active keys the caller saw (none
	// for a first Init): when the active keys in the transaction are not
	// exactly these, it fails with ErrKeysChanged and writes nothing. The
	// check and the writes are atomic against other RotateKeys calls on
	// any server of the database. An ID in retire that is not an active
	// key fails with ErrNotFound and writes nothing. A call with nothing
	// to add or retire checks nothing and writes nothing.
	RotateKeys(ctx context.Context, active []int64, add []Key, retire []int64) ([]Key, error)
	// Keys returns the keys, oldest first (by ID); retired ones too when
	// retired is true.
	Keys(ctx context.Context, retired bool) ([]Key, error)
	// PutDeviceCert stores the certificate (DER) of the device named
	// device, replacing any; the device must exist (ErrNotFound). It
	// causes a change event of the device (kind device, op update), so
	// the device's files are built again.
	PutDeviceCert(ctx context.Context, device string, der []byte) error
	// DeleteDeviceCert removes the device's certificate (ErrNotFound when
	// it has none); a change event of the device.
	DeleteDeviceCert(ctx context.Context, device string) error
	// DeviceCert returns the device's certificate (DER), ErrNotFound when
	// it has none. Deleting the device deletes its certificate.
	DeviceCert(ctx context.Context, device string) ([]byte, error)
	// PutServerCert stores the certificate (DER) of the call-control
	// server named server (its CallManager certificate, which the CTL
	// lists), replacing any; the server must exist (ErrNotFound). It
	// causes a change event of the server (kind server, op update).
	PutServerCert(ctx context.Context, server string, der []byte) error
	// DeleteServerCert removes the server's certificate (ErrNotFound when
	// it has none); a change event of the server.
	DeleteServerCert(ctx context.Context, server string) error
	// ServerCerts returns the servers' certificates (DER) by server name;
	// a server without one is not in the map. Deleting a server deletes
	// its certificate.
	ServerCerts(ctx context.Context) (map[string][]byte, error)
}

// KeysOf returns s as a KeyStore, or an error when its backend keeps no
// keys.
func KeysOf(s Store) (KeyStore, error) {
	ks, ok := s.(KeyStore)
	if !ok {
		return nil, fmt.Errorf("store: %T keeps no signing keys", s)
	}
	return ks, nil
}
