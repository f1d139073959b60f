package serveconf

import (
	"errors"
	"fmt"
)

// The errors a configuration file can have; a FileError wraps each with
// the file and line.
var (
	// ErrUnknownSetting is a key that names no setting.
	ErrUnknownSetting = errors.New("unknown setting")
	// ErrNotMapping is a file that is not one flat mapping of names to
	// values.
	ErrNotMapping = errors.New("want one flat mapping of setting names to values")
	// ErrNested is a value that is neither a scalar nor a sequence of
	// scalars.
	ErrNested = errors.New("want a value or a sequence of values")
	// ErrDuplicate is a setting given twice.
	ErrDuplicate = errors.New("set twice")
	// ErrNotList is a sequence given to a setting that takes one value.
	ErrNotList = errors.New("takes one value, not a sequence")
)

// FileError is an error at a line of a configuration file (Line 0: the
// file as a whole).
type FileError struct {
	File string
	Line int
	Err  error
}

// Error is "FILE:LINE: what".
func (e *FileError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

// Unwrap returns the error at the line.
func (e *FileError) Unwrap() error { return e.Err }
