package domain

import (
	"errors"
	"fmt"
)

// Sentinel errors. Backends wrap them so callers can test with errors.Is.
var (
	// ErrNotFound: no record of that kind has that key.
	ErrNotFound = errors.New("store: not found")
	// ErrExists: a record with that key (or unique field) already exists.
	ErrExists = errors.New("store: already exists")
	// ErrInUse: the record is referred to by others and cannot be deleted.
	ErrInUse = errors.New("store: in use")
	// ErrInvalid: a record failed validation (see *FieldError).
	ErrInvalid = errors.New("store: invalid")
	// ErrReadOnly: the record cannot be changed (a built-in model).
	ErrReadOnly = errors.New("store: read-only")
)

// FieldError says which record and field are wrong, and why. It matches
// ErrInvalid, or ErrNotFound for a dangling reference.
type FieldError struct {
	Kind  Kind
	Key   string
	Field string
	Msg   string
	Err   error // ErrInvalid or ErrNotFound
}

func (e *FieldError) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("%s: %s: %s", e.Kind, e.Field, e.Msg)
	}
	if e.Field == "" {
		return fmt.Sprintf("%s %q: %s", e.Kind, e.Key, e.Msg)
	}
	return fmt.Sprintf("%s %q: %s: %s", e.Kind, e.Key, e.Field, e.Msg)
}

// Unwrap returns ErrInvalid or ErrNotFound.
func (e *FieldError) Unwrap() error {
	if e.Err == nil {
		return ErrInvalid
	}
	return e.Err
}

func invalid(e Entity, field, format string, args ...any) error {
	return &FieldError{Kind: e.Kind(), Key: e.Key(), Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Dangling returns the error for a reference from e's field to a missing
// record of kind k.
func Dangling(e Entity, field string, k Kind, key string) error {
	return &FieldError{Kind: e.Kind(), Key: e.Key(), Field: field,
		Msg: fmt.Sprintf("%s %q does not exist", k, key), Err: ErrNotFound}
}
