package admin

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
)

// Default request limits (Limits). A real site document of 100,000 devices
// (~400 bytes each as JSON) and 100,000 lines (~200 bytes) is ~60 MB; the
// rest of DefaultMaxBody is room for custom files.
const (
	DefaultMaxBody        = 96 << 20 // bytes of one request body
	DefaultMaxRecords     = 200_000  // records in one site document
	DefaultMaxRecordBytes = 64 << 10 // bytes of one record as JSON, custom files aside
	// MaxFileRecordBytes is the largest custom file record as JSON: the
	// largest file domain accepts (64 MiB), base64-encoded, and its name.
	MaxFileRecordBytes = 64<<20/3*4 + 8<<10
)

// Limits bound what one request may make the server decode, so that no
// request grows the heap past a small multiple of its size. Zero fields
// take the defaults.
type Limits struct {
	// Body is the largest request body in bytes (default DefaultMaxBody).
	Body int64
	// Records is the most records one site document may hold (default
	// DefaultMaxRecords).
	Records int
	// RecordBytes is the largest record, custom files aside, in bytes of
	// JSON (default DefaultMaxRecordBytes).
	RecordBytes int64
}

// withDefaults returns l with its zero fields set to the defaults.
func (l Limits) withDefaults() Limits {
	if l.Body <= 0 {
		l.Body = DefaultMaxBody
	}
	if l.Records <= 0 {
		l.Records = DefaultMaxRecords
	}
	if l.RecordBytes <= 0 {
		l.RecordBytes = DefaultMaxRecordBytes
	}
	return l
}

// LimitError says which limit a request went past.
type LimitError struct {
	What  string // "request body", "records", "a record of devices" …
	Limit int64
	Unit  string // what Limit counts; "" is bytes
}

// Error names the limit.
func (e *LimitError) Error() string {
	if e.What == "records" {
		return fmt.Sprintf("more than %d records in one request (send them in batches)", e.Limit)
	}
	return fmt.Sprintf("%s: more than %d %s", e.What, e.Limit, cmp.Or(e.Unit, "bytes"))
}

// tooLarge maps a limit error (ours or http.MaxBytesReader's) to the API's
// 413; it returns nil for any other error.
func tooLarge(err error) *Error {
	var le *LimitError
	var me *http.MaxBytesError
	switch {
	case errors.As(err, &le):
	case errors.As(err, &me):
		le = &LimitError{What: "request body", Limit: me.Limit}
	default:
		return nil
	}
	return &Error{Code: CodeTooLarge, Message: le.Error(), Status: http.StatusRequestEntityTooLarge}
}
