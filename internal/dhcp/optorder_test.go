package dhcp

import (
	"errors"
	"slices"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

func TestOptionOrder(t *testing.T) {
	cases := []struct {
		name  string
		areas [][]byte
		want  []uint8
		err   bool
	}{
		{"empty", nil, nil, false},
		{"pads only", [][]byte{{0, 0, 0}}, nil, false},
		{"order of first appearance", [][]byte{{150, 4, 1, 2, 3, 4, 66, 1, 'x', 150, 0}}, []uint8{150, 66}, false},
		{"End ends an area; the next area goes on", [][]byte{{66, 0, 255, 150, 0}, {0, 150, 0}}, []uint8{66, 150}, false},
		{"a zero-length option", [][]byte{{80, 0}}, []uint8{80}, false},
		{"a code without its length", [][]byte{{66}}, nil, true},
		{"a length past the end", [][]byte{{66, 3, 'a'}}, nil, true},
		{"a bad second area", [][]byte{{66, 0}, {150, 9}}, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := optionOrder(c.areas...)
			if (err != nil) != c.err || (err != nil && !errors.Is(err, ErrMalformed)) || !slices.Equal(got, c.want) {
				t.Errorf("optionOrder = %v, %v; want %v (error %v)", got, err, c.want, c.err)
			}
		})
	}
}

// FuzzOptionOrder: the walk never panics, and it finds the options the
// library finds, failing when the library fails. It is stricter in one
// case: a lone code at the very end of an area, which the library takes
// for an empty option.
func FuzzOptionOrder(f *testing.F) {
	f.Add([]byte{53, 1, 5, 150, 4, 10, 0, 0, 1, 66, 1, 'x', 255})
	f.Add([]byte{0, 0, 66, 3, 'a'})
	f.Add([]byte{66})
	f.Add([]byte{255, 66, 9})
	f.Fuzz(func(t *testing.T, area []byte) {
		order, err := optionOrder(area)
		lib := dhcpv4.Options{}
		libErr := lib.FromBytes(area)
		if libErr != nil && err == nil {
			t.Fatalf("the walk accepts what the library refuses (%v)", libErr)
		}
		if err != nil && libErr == nil {
			if _, err2 := optionOrder(append(slices.Clone(area), 0)); err2 != nil {
				t.Fatalf("walk error %v, and not for a lone code at the end; the library accepts it", err)
			}
		}
		if err != nil {
			return
		}
		if len(order) != len(lib) {
			t.Fatalf("walk found %v, the library %d options", order, len(lib))
		}
		for i, c := range order {
			if _, ok := lib[c]; !ok || c == 0 || c == 255 || slices.Contains(order[:i], c) {
				t.Fatalf("walk found %v; the library %v", order, lib)
			}
		}
	})
}
