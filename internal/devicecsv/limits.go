package devicecsv

import (
	"errors"
	"fmt"
	"io"
)

// Limits of one file, so that reading it keeps memory within a small
// multiple of a real site's (100,000 phones, a line or two each).
const (
	MaxRows     = 100_000  // devices in one file
	MaxLines    = 200_000  // distinct directory numbers in one file
	MaxRowBytes = 64 << 10 // bytes of one row
	MaxField    = 1024     // bytes of one field
)

// errRowTooLong is what the row reader returns at MaxRowBytes.
var errRowTooLong = errors.New("row too long")

// rowReader reads from r but not past the stream offset limit, so that the
// CSV reader above it never buffers more than MaxRowBytes of one row.
type rowReader struct {
	r     io.Reader
	n     int64 // bytes read so far
	limit int64
}

// Read implements io.Reader.
func (c *rowReader) Read(p []byte) (int, error) {
	if c.n >= c.limit {
		return 0, errRowTooLong
	}
	if int64(len(p)) > c.limit-c.n {
		p = p[:c.limit-c.n]
	}
	m, err := c.r.Read(p)
	c.n += int64(m)
	return m, err
}

// longField returns the error for the first field of rec longer than
// MaxField, or nil.
func (p *parser) longField(rec []string, line int) *RowError {
	for i, v := range rec {
		if len(v) > MaxField {
			col := ""
			if i < len(p.cols) {
				col = p.cols[i].header
			}
			return &RowError{Line: line, Column: col, Msg: fmt.Sprintf("%d bytes, at most %d", len(v), MaxField)}
		}
	}
	return nil
}
