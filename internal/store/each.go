package store

import (
	"context"

	"cmtftp/internal/domain"
)

// Streamer reads the records of a kind one at a time, in key order, so
// that a reader of the whole site (export) holds one record, not all.
type Streamer interface {
	// Each calls f for every record of kind k; an error from f stops the
	// reading and is returned.
	Each(ctx context.Context, k domain.Kind, f func(domain.Entity) error) error
}

// Each calls f for every record of kind k in s, one at a time: streamed
// when s is a Streamer, otherwise from List. Custom files come without
// their data, as List gives them.
func Each(ctx context.Context, s Lister, k domain.Kind, f func(domain.Entity) error) error {
	if st, ok := s.(Streamer); ok {
		return st.Each(ctx, k, f)
	}
	es, err := s.List(ctx, k)
	if err != nil {
		return err
	}
	for _, e := range es {
		if err := f(e); err != nil {
			return err
		}
	}
	return nil
}
