package storetest

import (
	"fmt"
	"reflect"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// searchExtra is how many devices searchSite adds to Site's three: more
// than store.MaxSearchLimit, so that clamping shows.
const searchExtra = store.MaxSearchLimit + 37

// searchSite is Site with searchExtra more 7970s (SEP00AB0000xxxx, each
// with its own line 6xxxx on button 1, "desk N" descriptions) and two
// whose descriptions hold LIKE's wildcards.
func searchSite() *domain.Site {
	site := Site()
	for i := range searchExtra {
		n := fmt.Sprintf("6%04d", i)
		site.Lines = append(site.Lines, &domain.Line{Number: n})
		site.Devices = append(site.Devices, &domain.Device{MAC: fmt.Sprintf("00AB0000%04X", i), Model: "7970", Protocol: "SIP",
			Pool: "HQ", Description: fmt.Sprintf("desk %d", i), Lines: []domain.Appearance{{Button: 1, Line: n}}})
	}
	site.Devices = append(site.Devices,
		&domain.Device{MAC: "00CD00000001", Model: "7970", Protocol: "SIP", Pool: "HQ", Description: "100% Sure"},
		&domain.Device{MAC: "00CD00000002", Model: "7970", Protocol: "SIP", Pool: "HQ", Description: "front_desk"})
	return site
}

func searcher(t *testing.T, s store.Store) store.DeviceSearcher {
	t.Helper()
	ds, ok := s.(store.DeviceSearcher)
	if !ok {
		t.Fatalf("%T does not search devices (store.DeviceSearcher)", s)
	}
	return ds
}

// searchAll pages through q.Text's matches q.Limit at a time, failing
// when a page is not in name order after the last or more pages come
// than devices exist.
func searchAll(t *testing.T, ds store.DeviceSearcher, q store.DeviceQuery) []domain.Device {
	t.Helper()
	var all []domain.Device
	for range searchExtra + 10 {
		page, err := ds.SearchDevices(ctx(t), q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		if len(page) == 0 {
			return all
		}
		for _, d := range page {
			if d.Name <= q.After {
				t.Fatalf("%+v: %s is not after %q", q, d.Name, q.After)
			}
			q.After = d.Name
		}
		all = append(all, page...)
	}
	t.Fatalf("%+v: more pages than devices", q)
	return nil
}

// testSearchPaging: pages of every size cover every device exactly once,
// in name order, each with the same record and lines as List's.
func testSearchPaging(t *testing.T, s store.Store) {
	if _, err := s.Apply(ctx(t), searchSite()); err != nil {
		t.Fatal(err)
	}
	ds := searcher(t, s)
	want, err := s.List(ctx(t), domain.KindDevice)
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{1, 7, 100, store.MaxSearchLimit} {
		got := searchAll(t, ds, store.DeviceQuery{Limit: limit})
		if len(got) != len(want) {
			t.Fatalf("limit %d: %d devices, want %d", limit, len(got), len(want))
		}
		for i := range got {
			if !reflect.DeepEqual(&got[i], want[i]) {
				t.Fatalf("limit %d: device %d is\n%+v\nList has\n%+v", limit, i, got[i], want[i])
			}
		}
	}
}

// testSearchText: the text filter matches each field, case-insensitively,
// with LIKE's wildcards taken literally, and pages through its matches.
func testSearchText(t *testing.T, s store.Store) {
	if _, err := s.Apply(ctx(t), searchSite()); err != nil {
		t.Fatal(err)
	}
	ds := searcher(t, s)
	tests := []struct {
		name, text string
		want       []string
	}{
		{"name", "sep001122aabb02", []string{"SEP001122AABB02"}},
		{"MAC", "001122AABB03", []string{"SEP001122AABB03"}},
		{"MAC with colons", "00:11:22:aa:bb:01", []string{"SEP001122AABB01"}},
		{"MAC with dots", "0011.22aa.bb0", []string{"SEP001122AABB01", "SEP001122AABB02", "SEP001122AABB03"}},
		{"description", "DESK 536", []string{"SEP00AB00000218"}},
		{"line", "4002", []string{"SEP001122AABB02"}},
		{"shared line", "4100", []string{"SEP001122AABB01", "SEP001122AABB02"}},
		{"own line", "60007", []string{"SEP00AB00000007"}},
		{"percent literal", "%", []string{"SEP00CD00000001"}},
		{"percent inside", "0% s", []string{"SEP00CD00000001"}},
		{"underscore literal", "t_d", []string{"SEP00CD00000002"}},
		{"underscore alone", "_", []string{"SEP00CD00000002"}},
		{"backslash", `\`, nil},
		{"no match", "zz-nothing", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, d := range searchAll(t, ds, store.DeviceQuery{Text: tc.text, Limit: 2}) {
				got = append(got, d.Name)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%q: %d devices %v, want %v", tc.text, len(got), got[:min(len(got), 8)], tc.want)
			}
		})
	}
	// "desk" is in every extra device's description and in front_desk.
	if got := searchAll(t, ds, store.DeviceQuery{Text: "Desk", Limit: 50}); len(got) != searchExtra+1 {
		t.Errorf("desk: %d devices, want %d", len(got), searchExtra+1)
	}
}

// testSearchLimit: a page holds Limit devices, a limit of 0, less or
// more than store.MaxSearchLimit holds MaxSearchLimit; an empty store
// and a page after the last name hold none.
func testSearchLimit(t *testing.T, s store.Store) {
	ds := searcher(t, s)
	if got, err := ds.SearchDevices(ctx(t), store.DeviceQuery{}); err != nil || len(got) != 0 {
		t.Fatalf("empty store: %d devices, %v", len(got), err)
	}
	if _, err := s.Apply(ctx(t), searchSite()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ limit, want int }{
		{1, 1}, {3, 3}, {store.MaxSearchLimit, store.MaxSearchLimit},
		{0, store.MaxSearchLimit}, {-5, store.MaxSearchLimit}, {store.MaxSearchLimit + 1, store.MaxSearchLimit}, {1 << 30, store.MaxSearchLimit},
	} {
		got, err := ds.SearchDevices(ctx(t), store.DeviceQuery{Limit: tc.limit})
		if err != nil || len(got) != tc.want {
			t.Errorf("limit %d: %d devices, %v; want %d", tc.limit, len(got), err, tc.want)
		}
	}
	if got, err := ds.SearchDevices(ctx(t), store.DeviceQuery{After: "SEP00CD00000002"}); err != nil || len(got) != 0 {
		t.Errorf("after the last name: %d devices, %v", len(got), err)
	}
}
