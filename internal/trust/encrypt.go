package trust

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
)

// aesKeyBytes is the AES-128 key size of §11.3.
const aesKeyBytes = 16

// configPad is the byte the plaintext is padded with (§11.3: '\r').
const configPad = 0x0D

// EncryptConfig returns the §11.3 encrypted configuration
// ("SEP<MAC>.cnf.xml.enc.sgn") of plain: header version 2.0 with the signer
// and signature elements Sign writes, the encryption info (a random IV and a
// random AES-128 key, encrypted to phone's RSA public key with PKCS#1 v1.5),
// the hash of plain, then plain padded with 0x0D bytes to a multiple of 16
// and encrypted with AES-128-CBC. The signature covers the whole file but
// the tag-12 element, as for a signed file. o.Hash names both the signing
// hash and the plaintext hash (SHA-512 when zero); o.Version must be zero or
// 2.0. A phone certificate without an RSA key is refused with ErrKey.
func EncryptConfig(name string, plain []byte, phone *x509.Certificate, s Signer, o Options) ([]byte, error) {
	var pub *rsa.PublicKey
	if phone != nil {
		pub, _ = phone.PublicKey.(*rsa.PublicKey)
	}
	if pub == nil {
		return nil, fmt.Errorf("encrypting %s: the phone certificate has no RSA key: %w", name, ErrKey)
	}
	if o.Version != (Version{}) && o.Version != (Version{2, 0}) {
		return nil, fmt.Errorf("encrypted configuration of version %v (only 2.0): %w", o.Version, ErrMalformed)
	}
	hs := o.Hash
	if hs == 0 {
		hs = SHA512
	}
	if hs != SHA1 && hs != SHA512 {
		return nil, fmt.Errorf("signing with hash %d (only SHA-1 and SHA-512): %w", hs, ErrKey)
	}
	ch, _ := hs.crypto()
	d := ch.New()
	d.Write(plain)
	e := &EncryptionInfo{IV: make([]byte, aes.BlockSize), KeyBits: 8 * aesKeyBytes, Cipher: CipherAES, PlainHash: hs, PlainDigest: d.Sum(nil)}
	key := make([]byte, aesKeyBytes)
	rand.Read(key) // crypto/rand.Read never returns an error (Go 1.24)
	rand.Read(e.IV)
	ct := encryptCBC(key, e.IV, plain, &e.PadCount)
	var err error
	if e.EncryptedKey, err = rsa.EncryptPKCS1v15(rand.Reader, pub, key); err != nil {
		return nil, fmt.Errorf("encrypting the key of %s to %s: %w (%w)", name, phone.Subject, ErrKey, err)
	}
	h := Header{Filename: name, Version: Version{2, 0}, Hash: hs, Encryption: e}
	if !o.Time.IsZero() {
		h.Timestamp, h.HasTimestamp = o.Time, true
	}
	return sign(&h, ct, s)
}

// encryptCBC pads plain with 0x0D bytes to a multiple of the AES block,
// stores their count in pad, and returns the AES-CBC encryption.
func encryptCBC(key, iv, plain []byte, pad *int) []byte {
	*pad = (aes.BlockSize - len(plain)%aes.BlockSize) % aes.BlockSize
	buf := append(bytes.Clone(plain), bytes.Repeat([]byte{configPad}, *pad)...)
	block, _ := aes.NewCipher(key) // a 16-byte key is always valid
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(buf, buf)
	return buf
}

// DecryptConfig decrypts the §11.3 encrypted configuration file with the
// phone's private key and returns its header and the exact plaintext XML.
// A file that is not an encrypted configuration (version 2.0 with complete
// encryption info), or whose pad count does not fit, is ErrMalformed; a key
// that does not decrypt the AES key, or an unsupported cipher, ErrKey; a
// plaintext whose padding or hash (tag 27) does not match, ErrSignature.
// It does not check the signature: Verify or VerifySigned does.
func DecryptConfig(file []byte, phoneKey *rsa.PrivateKey) (Header, []byte, error) {
	h, ct, err := ParseHeader(file)
	if err != nil {
		return h, nil, err
	}
	if err := checkEncryption(&h, len(ct)); err != nil {
		return h, nil, err
	}
	e := h.Encryption
	if phoneKey == nil {
		return h, nil, fmt.Errorf("decrypting %s without a key: %w", h.Filename, ErrKey)
	}
	key, err := rsa.DecryptPKCS1v15(nil, phoneKey, e.EncryptedKey)
	if err != nil || len(key) != aesKeyBytes {
		return h, nil, fmt.Errorf("%s: the AES key does not decrypt with this phone's key: %w", h.Filename, ErrKey)
	}
	block, _ := aes.NewCipher(key)
	buf := bytes.Clone(ct)
	cipher.NewCBCDecrypter(block, e.IV).CryptBlocks(buf, buf)
	plain := buf[:len(buf)-e.PadCount]
	if !bytes.Equal(buf[len(plain):], bytes.Repeat([]byte{configPad}, e.PadCount)) {
		return h, nil, fmt.Errorf("%s: padding is not %d 0x0D bytes: %w", h.Filename, e.PadCount, ErrSignature)
	}
	ch, _ := e.PlainHash.crypto()
	d := ch.New()
	d.Write(plain)
	if !bytes.Equal(d.Sum(nil), e.PlainDigest) {
		return h, nil, fmt.Errorf("%s: the plaintext hash (tag 27) does not match: %w", h.Filename, ErrSignature)
	}
	return h, plain, nil
}

// checkEncryption checks that h is an encrypted configuration this package
// can decrypt, with ctLen bytes of ciphertext.
func checkEncryption(h *Header, ctLen int) error {
	e := h.Encryption
	if h.Version != (Version{2, 0}) || e == nil {
		return fmt.Errorf("%s: version %v, not an encrypted configuration (2.0 with tag 16): %w", h.Filename, h.Version, ErrMalformed)
	}
	if len(e.IV) != aes.BlockSize || len(e.EncryptedKey) == 0 || len(e.PlainDigest) == 0 {
		return fmt.Errorf("%s: encryption info without a 16-byte IV, a key or a plaintext hash: %w", h.Filename, ErrMalformed)
	}
	if e.Cipher != CipherAES || e.KeyBits != 8*aesKeyBytes {
		return fmt.Errorf("%s: cipher %d with %d-bit keys (only AES-128): %w", h.Filename, e.Cipher, e.KeyBits, ErrKey)
	}
	ch, err := e.PlainHash.crypto()
	if err != nil {
		return err
	}
	if len(e.PlainDigest) != ch.Size() {
		return fmt.Errorf("%s: plaintext hash of %d bytes for hash %d: %w", h.Filename, len(e.PlainDigest), e.PlainHash, ErrMalformed)
	}
	if ctLen%aes.BlockSize != 0 || e.PadCount > aes.BlockSize || e.PadCount > ctLen {
		return fmt.Errorf("%s: %d bytes of ciphertext, pad count %d: %w", h.Filename, ctLen, e.PadCount, ErrMalformed)
	}
	return nil
}
