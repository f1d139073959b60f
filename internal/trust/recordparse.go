package trust

import (
	"encoding/binary"
	"fmt"
)

// parseRecord decodes the record at b[off:] and returns it with the offset
// after it. A record must carry a role (absent, it would read as role 0,
// SAST) and a certificate or a public key.
func parseRecord(b []byte, off int) (Record, int, error) {
	var r Record
	e, inner, err := next(b, off)
	if err != nil {
		return r, 0, err
	}
	if e.tag != recLength || len(e.value) != 2 {
		return r, 0, fmt.Errorf("no record-length element first: %w", ErrMalformed)
	}
	end := off + int(binary.BigEndian.Uint16(e.value))
	if end < inner || end > len(b) {
		return r, 0, fmt.Errorf("record length %d outside the list: %w", end-off, ErrMalformed)
	}
	var seen [256]bool // a field twice is refused: no reader takes the first where this one takes the second
	for inner < end {
		f, n, err := next(b[:end], inner)
		if err != nil {
			return r, 0, err
		}
		if seen[f.tag] {
			return r, 0, fmt.Errorf("record tag %d again at %d: %w", f.tag, f.off, ErrMalformed)
		}
		seen[f.tag] = true
		if err := parseRecordField(f, &r); err != nil {
			return r, 0, err
		}
		inner = n
	}
	if !seen[recRole] || !seen[recCertificate] && !seen[recPublicKey] {
		return r, 0, fmt.Errorf("record at %d without role, or without certificate and key: %w", off, ErrMalformed)
	}
	return r, end, nil
}

// parseRecordField decodes one record element into r.
func parseRecordField(e element, r *Record) error {
	var err error
	switch e.tag {
	case recDNSName:
		r.DNSName, err = cstring(e)
	case recSubject:
		r.Subject, err = cstring(e)
	case recIssuer:
		r.Issuer, err = cstring(e)
	case recRole:
		if err = fixed(e, 2); err == nil {
			r.Role = Role(binary.BigEndian.Uint16(e.value))
		}
	case recHashAlg:
		if err = fixed(e, 1); err == nil {
			r.HashAlg = Hash(e.value[0])
		}
	case recSerial:
		r.Serial = e.value
	case recPublicKey:
		r.PublicKey = e.value
	case recSignature:
		r.Signature = e.value
	case recCertificate:
		r.Certificate = e.value
	case recIPAddress:
		r.IPAddress = e.value
	case recCertHash:
		r.CertHash = e.value
	default:
		err = fmt.Errorf("unknown record tag %d at %d: %w", e.tag, e.off, ErrMalformed)
	}
	return err
}
