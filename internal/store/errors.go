package store

import (
	"errors"

	"cmtftp/internal/domain"
)

// ErrUnavailable: the database cannot be reached. The record errors
// (domain.ErrNotFound, ErrExists, ErrInUse, ErrInvalid, ErrReadOnly) are the
// domain's.
var ErrUnavailable = errors.New("store: database unavailable")

// KindResync is a change event that says "events were lost (the change log
// was pruned past the reader): treat everything as changed".
const KindResync domain.Kind = "resync"
