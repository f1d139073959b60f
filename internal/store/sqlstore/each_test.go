package sqlstore_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store/storetest"
)

// TestEachChunks: on SQLite and PostgreSQL, Each and EachRange read a kind
// with a child list in chunks (of 1,024 records) and give what List gives,
// in key order: 2,600 devices with no, one or three lines, so that chunks
// end inside runs of records with lists and without, over the whole table
// and over ranges whose bounds are and are not keys.
func TestEachChunks(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, b.make(t))
			if _, err := s.Apply(ctx, chunkSite(2600)); err != nil {
				t.Fatal(err)
			}
			want, err := s.List(ctx, domain.KindDevice)
			if err != nil {
				t.Fatal(err)
			}
			tests := []struct{ from, to string }{
				{"", ""},
				{want[1000].Key(), ""},
				{"", want[2049].Key()},
				{want[3].Key() + "0", want[2500].Key()},
				{want[1024].Key(), want[1025].Key()},
				{"~", ""},
			}
			for _, tt := range tests {
				var got []domain.Entity
				err := s.EachRange(ctx, domain.KindDevice, tt.from, tt.to, func(e domain.Entity) error {
					got = append(got, e)
					return nil
				})
				if err != nil {
					t.Fatalf("EachRange(%q, %q): %v", tt.from, tt.to, err)
				}
				var exp []domain.Entity
				for _, e := range want {
					if k := e.Key(); k >= tt.from && (tt.to == "" || k < tt.to) {
						exp = append(exp, e)
					}
				}
				if !reflect.DeepEqual(got, exp) {
					t.Errorf("EachRange(%q, %q): %d records, not List's %d", tt.from, tt.to, len(got), len(exp))
				}
			}
		})
	}
}

// chunkSite is storetest.Site with n more devices: device i has no line
// when i%5 is 0, three when it is 1, and one otherwise.
func chunkSite(n int) *domain.Site {
	s := storetest.Site()
	tmpl := *s.Devices[0]
	for i := range n {
		d := tmpl
		d.Name, d.MAC, d.Lines = "", fmt.Sprintf("0022AA%06X", i), nil
		lines := 1
		switch i % 5 {
		case 0:
			lines = 0
		case 1:
			lines = 3
		}
		for b := range lines {
			num := fmt.Sprint(700000 + 10*i + b)
			s.Lines = append(s.Lines, &domain.Line{Number: num, DisplayName: "User " + num})
			d.Lines = append(d.Lines, domain.Appearance{Button: b + 1, Line: num})
		}
		s.Devices = append(s.Devices, &d)
	}
	return s
}
