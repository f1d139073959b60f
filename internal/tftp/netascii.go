package tftp

// AppendNetascii appends src to dst converted to netascii, as RFC 1350 (by
// reference to RFC 764) requires of a sender: LF becomes CR LF and a bare CR
// becomes CR NUL. Every other byte passes unchanged.
func AppendNetascii(dst, src []byte) []byte {
	for _, c := range src {
		switch c {
		case '\n':
			dst = append(dst, '\r', '\n')
		case '\r':
			dst = append(dst, '\r', 0)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// NetasciiLen is the length of src once converted to netascii.
func NetasciiLen(src []byte) int {
	n := len(src)
	for _, c := range src {
		if c == '\n' || c == '\r' {
			n++
		}
	}
	return n
}

// NetasciiDecoder converts netascii back to local text (CR LF to LF, CR NUL
// to CR) across block boundaries: a CR at the end of one block is held until
// the next shows what follows it.
type NetasciiDecoder struct {
	pendingCR bool
}

// Append appends the decoded form of src to dst.
func (d *NetasciiDecoder) Append(dst, src []byte) []byte {
	for _, c := range src {
		if d.pendingCR {
			d.pendingCR = false
			switch c {
			case '\n':
				dst = append(dst, '\n')
				continue
			case 0:
				dst = append(dst, '\r')
				continue
			default:
				dst = append(dst, '\r')
			}
		}
		if c == '\r' {
			d.pendingCR = true
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// Flush appends a CR still held at the end of the stream.
func (d *NetasciiDecoder) Flush(dst []byte) []byte {
	if d.pendingCR {
		d.pendingCR = false
		dst = append(dst, '\r')
	}
	return dst
}
