package assembly

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
)

// ErrEmptyToken is a token file with nothing in it.
var ErrEmptyToken = errors.New("is empty")

// adminToken is the admin API's bearer token of the moment; a reload
// swaps it while requests read it. The zero value is no token.
type adminToken struct{ v atomic.Pointer[string] }

// get returns the token ("" for none).
func (t *adminToken) get() string {
	if p := t.v.Load(); p != nil {
		return *p
	}
	return ""
}

// set replaces the token.
func (t *adminToken) set(s string) { t.v.Store(&s) }

// ReadTokenFile reads an admin token file: its content without the
// surrounding white space; an empty file is an error (ErrEmptyToken).
func ReadTokenFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("admin token file: %w", err)
	}
	t := strings.TrimSpace(string(b))
	if t == "" {
		return "", fmt.Errorf("admin token file %s %w", path, ErrEmptyToken)
	}
	return t, nil
}
