package source

import (
	"context"
	"errors"
	"io"
	"net/netip"
)

// ReadFile asks s for name, as a request from the loopback address over
// proto would, and returns the whole file: for tools and tests.
func ReadFile(ctx context.Context, s Source, name string, proto Protocol) ([]byte, error) {
	req, err := NewRequest(name, proto, netip.MustParseAddrPort("127.0.0.1:0"), netip.MustParseAddr("127.0.0.1"))
	if err != nil {
		return nil, err
	}
	f, err := s.Open(ctx, req)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, f.Size())
	if _, err := f.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b, nil
}
