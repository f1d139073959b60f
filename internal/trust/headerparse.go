package trust

import (
	"encoding/binary"
	"fmt"
	"time"
)

// parseElements decodes the header elements of b from off to its end into
// h; the containers 3, 7, 9 and (§11.3) 16, 17, 21 are walked within their
// own length. seen marks the tags met so far, in every container: an
// element but padding that comes twice is refused, so no reader can take
// the first where this one takes the second.
func parseElements(b []byte, off int, h *Header, depth int, seen *[256]bool) error {
	for off < len(b) {
		e, end, err := next(b, off)
		if err != nil {
			return err
		}
		if e.tag != tagPadding {
			if seen[e.tag] {
				return fmt.Errorf("header tag %d again at %d: %w", e.tag, e.off, ErrMalformed)
			}
			seen[e.tag] = true
		}
		switch e.tag {
		case tagPadding:
		case tagSignerInfo, tagSignatureInfo, tagSigAlgInfo, tagEncInfo, tagIVInfo, tagKeyInfo:
			if depth > 2 {
				return fmt.Errorf("containers nested too deep at %d: %w", off, ErrMalformed)
			}
			if err := parseElements(b[:end], off+3, h, depth+1, seen); err != nil {
				return err
			}
		default:
			if err := parseField(e, h); err != nil {
				return err
			}
		}
		off = end
	}
	return nil
}

// parseField decodes one non-container header element into h.
func parseField(e element, h *Header) error {
	var err error
	switch e.tag {
	case tagSignerName:
		h.SignerName, err = cstring(e)
	case tagIssuerName:
		h.IssuerName, err = cstring(e)
	case tagFilename:
		h.Filename, err = cstring(e)
	case tagSerial:
		h.Serial = e.value
	case tagHash, tagSigAlg, tagModulus:
		err = parseByte(e, h)
	case tagSignature:
		if h.SignatureOffset >= 0 {
			return fmt.Errorf("second signature at %d: %w", e.off, ErrMalformed)
		}
		h.Signature, h.SignatureOffset = e.value, e.off
	case tagTimestamp:
		if err = fixed(e, 4); err == nil {
			h.Timestamp = time.Unix(int64(binary.BigEndian.Uint32(e.value)), 0).UTC()
			h.HasTimestamp = true
		}
	case tagIVType, tagIV, tagPadCount, tagKeyType, tagKeyBits, tagCipher, tagEncKey, tagPlainHashAlg, tagPlainHash:
		err = parseEncField(e, h)
	case tagSignerVersion:
		if err = fixed(e, 2); err == nil {
			h.SignerVersion = &Version{e.value[0], e.value[1]}
		}
	default:
		err = fmt.Errorf("unknown header tag %d at %d: %w", e.tag, e.off, ErrMalformed)
	}
	return err
}

// parseByte decodes the one-byte elements 8, 10 and 11.
func parseByte(e element, h *Header) error {
	if err := fixed(e, 1); err != nil {
		return err
	}
	switch e.tag {
	case tagHash:
		h.Hash = Hash(e.value[0])
	case tagSigAlg:
		h.SigAlg = e.value[0]
	default:
		h.Modulus = e.value[0]
	}
	return nil
}
