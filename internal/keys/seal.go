package keys

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"errors"
	"fmt"

	"cmtftp/internal/store"
)

// ErrWrongSecret reports a sealed key that the secret given did not seal.
var ErrWrongSecret = errors.New("keys: the secret given is not the one the keys were sealed with")

// ErrSealMismatch reports a sealed key that does not open under its role
// and certificate although the secret is right: it was sealed for another
// key, moved, or damaged.
var ErrSealMismatch = errors.New("keys: sealed key does not belong to this certificate")

// A sealed key is sealVersion | check | nonce | ciphertext and tag, where
// check (checkLen bytes, derived from the secret alone) tells a wrong
// secret from a sealed key moved onto another certificate.
const (
	sealVersion = 1
	checkLen    = 8
	sealInfo    = "cmtftp keys: seal v1"
	checkInfo   = "cmtftp keys: check v1"
)

// derive returns the AES-256 key and the check value of secret.
func derive(secret []byte) (key, check []byte, err error) {
	if key, err = hkdf.Key(sha256.New, secret, nil, sealInfo, 32); err != nil {
		return nil, nil, fmt.Errorf("keys: deriving the sealing key: %w", err)
	}
	if check, err = hkdf.Key(sha256.New, secret, nil, checkInfo, checkLen); err != nil {
		return nil, nil, fmt.Errorf("keys: deriving the sealing key: %w", err)
	}
	return key, check, nil
}

// additionalData binds a sealed key to its role and certificate.
func additionalData(role store.KeyRole, certDER []byte) []byte {
	sum := sha256.Sum256(certDER)
	return append([]byte("cmtftp key\x00"+string(role)+"\x00"), sum[:]...)
}

// aead returns AES-256-GCM with random nonces under key.
func aead(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	g, err := cipher.NewGCMWithRandomNonce(b)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return g, nil
}

// Seal returns priv, the private key of the certificate certDER in the
// role role, sealed under secret (PKCS#8 inside AES-256-GCM).
func Seal(secret []byte, role store.KeyRole, certDER []byte, priv crypto.Signer) ([]byte, error) {
	plain, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("keys: sealing a %T key: %w", priv, err)
	}
	key, check, err := derive(secret)
	if err != nil {
		return nil, err
	}
	g, err := aead(key)
	if err != nil {
		return nil, err
	}
	out := append([]byte{sealVersion}, check...)
	return g.Seal(out, nil, plain, additionalData(role, certDER)), nil
}

// Unseal returns the private key sealed in sealed for the certificate
// certDER in the role role: ErrWrongSecret when secret did not seal it,
// ErrSealMismatch when it was sealed for another certificate or role (or
// its key does not match the certificate).
func Unseal(secret []byte, role store.KeyRole, certDER, sealed []byte) (crypto.Signer, error) {
	if len(sealed) < 1+checkLen || sealed[0] != sealVersion {
		return nil, fmt.Errorf("keys: sealed key of an unknown format: %w", ErrSealMismatch)
	}
	key, check, err := derive(secret)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(sealed[1:1+checkLen], check) != 1 {
		return nil, ErrWrongSecret
	}
	g, err := aead(key)
	if err != nil {
		return nil, err
	}
	plain, err := g.Open(nil, nil, sealed[1+checkLen:], additionalData(role, certDER))
	if err != nil {
		return nil, fmt.Errorf("keys: %s key: %w", role, ErrSealMismatch)
	}
	priv, err := x509.ParsePKCS8PrivateKey(plain)
	clear(plain)
	if err != nil {
		return nil, fmt.Errorf("keys: sealed %s key: %w", role, err)
	}
	return checkPair(priv, certDER)
}

// checkPair returns priv as a signer after checking that it is the key of
// the certificate certDER.
func checkPair(priv any, certDER []byte) (crypto.Signer, error) {
	s, ok := priv.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("keys: a %T key cannot sign: %w", priv, ErrSealMismatch)
	}
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		return nil, fmt.Errorf("keys: stored certificate: %w", err)
	}
	pub, ok := s.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("keys: the key of %s: %w", cert.Subject, ErrSealMismatch)
	}
	return s, nil
}
