package sqlstore_test

import (
	"context"
	"reflect"
	"testing"

	"cmtftp/internal/domain"
)

// TestDeviceConfigLineFields: every field of a line — set by reflection,
// so a field added to domain.Line is covered without editing this test —
// comes back in DeviceConfig, for a device's own lines and a logged-in
// profile's, on both backends. DeviceConfig names the line columns in its
// own statement; this is what keeps that list whole.
func TestDeviceConfigLineFields(t *testing.T) {
	full := &domain.Line{}
	v := reflect.ValueOf(full).Elem()
	for f := range v.NumField() {
		switch fv := v.Field(f); fv.Kind() {
		case reflect.String:
			fv.SetString("x-" + v.Type().Field(f).Name)
		case reflect.Int:
			fv.SetInt(3) // valid for every int field of a line (MWI policy 0–6, calls ≥ 1)
		default:
			t.Fatalf("domain.Line.%s is a %s: teach this test to set it", v.Type().Field(f).Name, fv.Kind())
		}
	}
	full.Number = "4100" // the fixture's line on the SIP phone and on the profile logged in to it
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := siteStore(t, b.make(t))
			if _, err := s.Put(ctx, full); err != nil {
				t.Fatal(err)
			}
			for _, dev := range []string{"SEP001122AABB01", sharedDevice} { // own lines; the profile's
				c, err := s.DeviceConfig(ctx, dev)
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, l := range c.Lines {
					if l.Line.Number == full.Number {
						found = true
						if !reflect.DeepEqual(l.Line, *full) {
							t.Errorf("%s: line %+v, want %+v", dev, l.Line, *full)
						}
					}
				}
				if !found {
					t.Errorf("%s: no line %s in %+v", dev, full.Number, c.Lines)
				}
			}
		})
	}
}
