package trust

import "encoding/binary"

// Encrypted-configuration tags of §11.3.
const (
	tagEncInfo      = 16 // container: 17 and 21
	tagIVInfo       = 17 // container: 18, 19, 20
	tagIVType       = 18
	tagIV           = 19
	tagPadCount     = 20
	tagKeyInfo      = 21 // container: 22, 23, 24, 25
	tagKeyType      = 22
	tagKeyBits      = 23
	tagCipher       = 24
	tagEncKey       = 25
	tagPlainHashAlg = 26
	tagPlainHash    = 27
)

// CipherAES is the tag-24 code of AES, the only cipher §11.3 names.
const CipherAES = 1

// EncryptionInfo holds the §11.3 fields of an encrypted configuration
// (header version 2.0): the encryption-info container (tag 16) and the
// plaintext hash that follows it (tags 26 and 27).
type EncryptionInfo struct {
	IVType       byte   // tag 18, 0
	IV           []byte // tag 19, 16 bytes
	PadCount     int    // tag 20: the 0x0D bytes appended to the plaintext
	KeyType      byte   // tag 22, 0
	KeyBits      int    // tag 23: the AES key size in bits, 128
	Cipher       byte   // tag 24: CipherAES
	EncryptedKey []byte // tag 25: the AES key, RSA PKCS#1 v1.5 to the phone's certificate
	PlainHash    Hash   // tag 26: the hash of tag 27 (§11.1 codes)
	PlainDigest  []byte // tag 27: the hash of the plaintext XML
}

// appendEncryption appends the elements of e in the order this package
// writes them (doc.go): 16 {17 {18, 19, 20}, 21 {22, 23, 24, 25}}, 26, 27.
func appendEncryption(dst []byte, e *EncryptionInfo) ([]byte, error) {
	iv := appendTLV(nil, tagIVType, []byte{e.IVType})
	iv = appendTLV(iv, tagIV, e.IV)
	iv = appendTLV(iv, tagPadCount, binary.BigEndian.AppendUint16(nil, uint16(e.PadCount)))
	key := appendTLV(nil, tagKeyType, []byte{e.KeyType})
	key = appendTLV(key, tagKeyBits, binary.BigEndian.AppendUint16(nil, uint16(e.KeyBits)))
	key = appendTLV(key, tagCipher, []byte{e.Cipher})
	if err := checkLen("encrypted key", len(e.EncryptedKey)); err != nil {
		return dst, err
	}
	key = appendTLV(key, tagEncKey, e.EncryptedKey)
	info := appendTLV(appendTLV(nil, tagIVInfo, iv), tagKeyInfo, key)
	if err := checkLen("encryption info", len(info)); err != nil {
		return dst, err
	}
	dst = appendTLV(dst, tagEncInfo, info)
	dst = appendTLV(dst, tagPlainHashAlg, []byte{byte(e.PlainHash)})
	return appendTLV(dst, tagPlainHash, e.PlainDigest), nil
}

// parseEncField decodes one element of tags 18 to 27 into h.Encryption.
func parseEncField(e element, h *Header) error {
	if h.Encryption == nil {
		h.Encryption = &EncryptionInfo{}
	}
	x := h.Encryption
	switch e.tag {
	case tagIV:
		x.IV = e.value
	case tagEncKey:
		x.EncryptedKey = e.value
	case tagPlainHash:
		x.PlainDigest = e.value
	case tagPadCount, tagKeyBits:
		if err := fixed(e, 2); err != nil {
			return err
		}
		if n := int(binary.BigEndian.Uint16(e.value)); e.tag == tagPadCount {
			x.PadCount = n
		} else {
			x.KeyBits = n
		}
	default:
		if err := fixed(e, 1); err != nil {
			return err
		}
		switch e.tag {
		case tagIVType:
			x.IVType = e.value[0]
		case tagKeyType:
			x.KeyType = e.value[0]
		case tagCipher:
			x.Cipher = e.value[0]
		default:
			x.PlainHash = Hash(e.value[0])
		}
	}
	return nil
}
