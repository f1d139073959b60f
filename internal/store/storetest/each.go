package storetest

import (
	"errors"
	"reflect"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// errStop is what testEach's callback returns to stop the reading.
var errStop = errors.New("stop")

// testEach: the streamed records of every kind are List's, in the same
// order, child lists included (devices with and without lines); an error
// from the callback stops the reading and comes back.
func testEach(t *testing.T, s store.Store) {
	apply(t, s)
	c := ctx(t)
	st, ok := s.(store.Streamer)
	if !ok {
		t.Fatalf("%T does not stream (store.Streamer)", s)
	}
	for _, k := range domain.Kinds() {
		want, err := s.List(c, k)
		if err != nil {
			t.Fatal(err)
		}
		var got []domain.Entity
		if err := st.Each(c, k, func(e domain.Entity) error { got = append(got, e); return nil }); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Each gives\n%+v\nList gives\n%+v", k, got, want)
		}
	}
	n := 0
	err := st.Each(c, domain.KindDevice, func(domain.Entity) error { n++; return errStop })
	if !errors.Is(err, errStop) || n != 1 {
		t.Errorf("a callback's error: Each returned %v after %d records, want errStop after 1", err, n)
	}
}
