package store

import (
	"context"
	"sync"

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

// RangeStreamer reads the records of a kind a range of keys at a time, so
// that several readers can share the reading of one kind out between them
// (build reads the devices on every core).
type RangeStreamer interface {
	// EachRange calls f, as Each does, for every record of kind k whose
	// key is ≥ from (every key when from is "") and < to (no bound when
	// to is ""), in key order.
	EachRange(ctx context.Context, k domain.Kind, from, to string, f func(domain.Entity) error) error
	// SplitKeys returns at most n-1 ascending keys of records of kind k
	// that cut them into ranges of about equal size.
	SplitKeys(ctx context.Context, k domain.Kind, n int) ([]string, error)
}

// EachSplit calls f for every record of kind k in s, as Each does, from
// up to n readers at once when s is a RangeStreamer (one otherwise), each
// over its range of keys: f is called from several goroutines, with the
// number of the reader (0 to n-1), and a record comes once. The first
// error, from a reader or from f, stops every reader and is returned.
func EachSplit(ctx context.Context, s Lister, k domain.Kind, n int, f func(reader int, e domain.Entity) error) error {
	rs, ok := s.(RangeStreamer)
	if !ok || n < 2 {
		return Each(ctx, s, k, func(e domain.Entity) error { return f(0, e) })
	}
	keys, err := rs.SplitKeys(ctx, k, n)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	bounds := append(append([]string{""}, keys...), "")
	errs := make([]error, len(bounds)-1)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			errs[i] = rs.EachRange(ctx, k, bounds[i], bounds[i+1], func(e domain.Entity) error { return f(i, e) })
			if errs[i] != nil {
				cancel(errs[i])
			}
		})
	}
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil {
		return cause // the first error: the others may be its cancellation
	}
	return nil
}
