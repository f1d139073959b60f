package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cmtftp/internal/store"
)

// searchBenchDevices is how many devices BenchSearchDevices fills.
const searchBenchDevices = 100_000

// searchBenchPage is the page size BenchSearchDevices asks for, a
// console's page.
const searchBenchPage = 50

// searchBenchDevice names the i-th device of the benchmark's site (its
// MAC is the name without SEP; its line is 9 and i in 7 digits).
func searchBenchDevice(i int) string { return fmt.Sprintf("SEP00%010d", i) }

// BenchSearchDevices measures SearchDevices pages of 50 in a store of
// Site and 100,000 more devices, each op one page: "first" (the first
// page), "deep" (the page after the 90,000th name: keyset paging makes it
// cost what the first does), "text" (a description matching 11 devices:
// every device is read) and "text-line" (a line number matching one).
// The devices are written with plain SQL, as any writer could.
func BenchSearchDevices(b *testing.B, open BOpener) {
	s := open(b)
	ctx := context.Background()
	start := time.Now()
	if err := fillSearchBench(ctx, s); err != nil {
		b.Fatal(err)
	}
	b.Logf("filled %d devices in %v", searchBenchDevices, time.Since(start).Round(time.Millisecond))
	ds, ok := s.(store.DeviceSearcher)
	if !ok {
		b.Fatalf("%T does not search devices", s)
	}
	cases := []struct {
		name  string
		q     store.DeviceQuery
		first string
		n     int
	}{
		{"first", store.DeviceQuery{Limit: searchBenchPage}, searchBenchDevice(0), searchBenchPage},
		{"deep", store.DeviceQuery{After: searchBenchDevice(89_999), Limit: searchBenchPage}, searchBenchDevice(90_000), searchBenchPage},
		{"text", store.DeviceQuery{Text: "DESK 4242", Limit: searchBenchPage}, searchBenchDevice(4242), 11},
		{"text-line", store.DeviceQuery{Text: "90077777", Limit: searchBenchPage}, searchBenchDevice(77777), 1},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				page, err := ds.SearchDevices(ctx, tc.q)
				if err != nil || len(page) != tc.n || page[0].Name != tc.first || len(page[0].Lines) != 1 {
					b.Fatalf("%+v: %d devices (want %d from %s), %v", tc.q, len(page), tc.n, tc.first, err)
				}
			}
		})
	}
}

// searchBenchFill writes the benchmark's devices and their lines; pad10
// pads i to 10 digits in SQL both backends speak.
var searchBenchFill = []string{
	"INSERT INTO lines (number) SELECT '9' || substr(pad, 4, 7) FROM n",
	"INSERT INTO devices (name, mac, description, model, protocol, pool) SELECT 'SEP00' || pad, '00' || pad, 'Desk ' || CAST(i AS TEXT), '7970', 'SIP', 'HQ' FROM n",
	"INSERT INTO device_lines (device, button, line) SELECT 'SEP00' || pad, 1, '9' || substr(pad, 4, 7) FROM n",
}

// fillSearchBench applies Site and writes searchBenchDevices devices
// through s's SQL handle, in one transaction.
func fillSearchBench(ctx context.Context, s store.Store) error {
	if _, err := s.Apply(ctx, Site()); err != nil {
		return err
	}
	h, ok := s.(sqlHandle)
	if !ok {
		return fmt.Errorf("%T has no SQL handle", s)
	}
	tx, err := h.SQL().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	gen := fmt.Sprintf("WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i + 1 < %d), "+
		"n(i, pad) AS (SELECT i, substr('0000000000', 1, 10 - length(CAST(i AS TEXT))) || CAST(i AS TEXT) FROM g) ", searchBenchDevices)
	for _, q := range searchBenchFill {
		if _, err := tx.ExecContext(ctx, gen+q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return tx.Commit()
}
