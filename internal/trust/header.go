package trust

import (
	"encoding/binary"
	"fmt"
	"time"
)

// Header tags of §11.1.
const (
	tagVersion       = 1
	tagHeaderLength  = 2
	tagSignerInfo    = 3
	tagSignerName    = 4
	tagSerial        = 5
	tagIssuerName    = 6
	tagSignatureInfo = 7
	tagHash          = 8
	tagSigAlgInfo    = 9
	tagSigAlg        = 10
	tagModulus       = 11
	tagSignature     = 12
	tagFilename      = 14
	tagTimestamp     = 15
	tagSignerVersion = 28
)

// Version is a two-byte major.minor version as the header carries it.
type Version struct {
	Major, Minor byte
}

// String returns the version as "major.minor".
func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// Header holds the fields of a §11.1 signed-file header.
type Header struct {
	Version       Version  // tag 1
	Length        int      // tag 2: the payload starts at this offset
	SignerVersion *Version // tag 28, trust lists only; nil when absent
	SignerName    string   // tag 4
	IssuerName    string   // tag 6
	Serial        []byte   // tag 5, big-endian
	Hash          Hash     // tag 8
	SigAlg        byte     // tag 10: 0 = RSA PKCS#1 v1.5
	Modulus       byte     // tag 11: 0=512, 1=1024, 2=2048, 3=4096 bit
	Signature     []byte   // tag 12
	Filename      string   // tag 14
	Timestamp     time.Time
	HasTimestamp  bool // tag 15 is present (firmware headers have none)
	// SignatureOffset is where the tag-12 element starts in the file.
	SignatureOffset int
	// Encryption holds the §11.3 elements of an encrypted configuration
	// (tags 16 to 27, header version 2.0); nil when there are none.
	Encryption *EncryptionInfo
}

// headerParts are the encoded header without the signature element: before
// goes ahead of it, after follows it (padding included).
type headerParts struct {
	before, after []byte
}

// encodeHeader lays out h (its Signature aside) with a signature of sigLen
// bytes, filling in the header length and the padding.
func encodeHeader(h *Header, sigLen int) (headerParts, error) {
	signer := appendCString(nil, tagSignerName, h.SignerName)
	signer = appendCString(signer, tagIssuerName, h.IssuerName)
	signer = appendTLV(signer, tagSerial, h.Serial)
	if err := checkLen("signer info", len(signer)); err != nil {
		return headerParts{}, err
	}
	b := appendTLV(nil, tagVersion, []byte{h.Version.Major, h.Version.Minor})
	b = appendTLV(b, tagHeaderLength, []byte{0, 0})
	if h.SignerVersion != nil {
		b = appendTLV(b, tagSignerVersion, []byte{h.SignerVersion.Major, h.SignerVersion.Minor})
	}
	b = appendTLV(b, tagSignerInfo, signer)
	alg := appendTLV(nil, tagSigAlg, []byte{h.SigAlg})
	alg = appendTLV(alg, tagModulus, []byte{h.Modulus})
	info := appendTLV(nil, tagHash, []byte{byte(h.Hash)})
	b = appendTLV(b, tagSignatureInfo, appendTLV(info, tagSigAlgInfo, alg))
	var a []byte
	if err := checkLen("file name", len(h.Filename)+1); err != nil {
		return headerParts{}, err
	}
	a = appendCString(a, tagFilename, h.Filename)
	if h.HasTimestamp {
		if u := h.Timestamp.Unix(); u < 0 || u > 0xFFFFFFFF {
			return headerParts{}, fmt.Errorf("timestamp %v outside a 4-byte Unix time: %w", h.Timestamp, ErrMalformed)
		}
		a = appendTLV(a, tagTimestamp, binary.BigEndian.AppendUint32(nil, uint32(h.Timestamp.Unix())))
	}
	if h.Encryption != nil {
		var err error
		if a, err = appendEncryption(a, h.Encryption); err != nil {
			return headerParts{}, err
		}
	}
	for (len(b)+3+sigLen+len(a))%4 != 0 {
		a = append(a, tagPadding)
	}
	n := len(b) + 3 + sigLen + len(a)
	if err := checkLen("header", n); err != nil {
		return headerParts{}, err
	}
	binary.BigEndian.PutUint16(b[8:], uint16(n))
	h.Length, h.SignatureOffset = n, len(b)
	return headerParts{before: b, after: a}, nil
}

// ParseHeader decodes the §11.1 header at the start of file and returns it
// with the payload (the bytes from the header length on).
func ParseHeader(file []byte) (Header, []byte, error) {
	var h Header
	e, off, err := next(file, 0)
	if err != nil || e.tag != tagVersion || len(e.value) != 2 {
		return h, nil, fmt.Errorf("no version element first: %w", ErrMalformed)
	}
	h.Version = Version{e.value[0], e.value[1]}
	e, off, err = next(file, off)
	if err != nil || e.tag != tagHeaderLength || len(e.value) != 2 {
		return h, nil, fmt.Errorf("no header-length element second: %w", ErrMalformed)
	}
	h.Length = int(binary.BigEndian.Uint16(e.value))
	if h.Length < off || h.Length > len(file) {
		return h, nil, fmt.Errorf("header length %d outside the file (%d bytes): %w", h.Length, len(file), ErrMalformed)
	}
	h.SignatureOffset = -1
	var seen [256]bool
	seen[tagVersion], seen[tagHeaderLength] = true, true
	if err := parseElements(file[:h.Length], off, &h, 0, &seen); err != nil {
		return h, nil, err
	}
	if h.SignatureOffset < 0 || h.Serial == nil || h.Hash == 0 {
		return h, nil, fmt.Errorf("header lacks signature, serial or hash: %w", ErrMalformed)
	}
	return h, file[h.Length:], nil
}
