package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// phones returns n SIP 7970s of storetest.Site's pool, device k with its
// own line 5<k> on button 1 and the shared line 4100 on button 2.
func phones(first, n int) ([]*domain.Device, []*domain.Line) {
	var ds []*domain.Device
	var ls []*domain.Line
	for k := first; k < first+n; k++ {
		num := fmt.Sprintf("5%05d", k)
		ls = append(ls, &domain.Line{Number: num, DisplayName: "Phone " + num})
		ds = append(ds, &domain.Device{MAC: fmt.Sprintf("0022AA%06X", k), Model: "7970", Protocol: "SIP", Pool: "HQ",
			Description: "bulk", Lines: []domain.Appearance{{Button: 1, Line: num}, {Button: 2, Line: "4100"}}})
	}
	return ds, ls
}

// TestApplyGroups: an Apply of more records than one group (so several
// multi-row INSERTs and IN reads) creates, updates and leaves records as
// writing them one at a time would, counts them alike, and reads back
// exactly; a key given twice in one document is written in order (the
// second copy wins).
func TestApplyGroups(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := siteStore(t, b.make(t))
			ds, ls := phones(0, 1234)
			res, err := s.Apply(ctx, &domain.Site{Lines: ls, Devices: ds})
			if err != nil || res != (store.ApplyResult{Created: 2468}) {
				t.Fatalf("first apply: %+v, %v", res, err)
			}
			ds2, ls2 := phones(0, 1234)
			ds2[7].Description = "changed"                                                                             // row only
			ds2[600].Lines = ds2[600].Lines[:1]                                                                        // lines only
			ds2[1100].Lines[1].Button = 3                                                                              // a button moved
			ls2[900].DisplayName = "Renamed"                                                                           // a line
			again := &domain.Device{MAC: ds2[3].MAC, Model: "7970", Protocol: "SIP", Pool: "HQ", Description: "twice"} // ds2[3] given twice
			extra, extraLines := phones(5000, 3)
			site := &domain.Site{Lines: append(ls2, extraLines...), Devices: append(append(ds2, again), extra...)}
			res, err = s.Apply(ctx, site)
			// 3 new lines and devices; line 900 and devices 7, 600, 1100 and 3 (its second copy) changed.
			want := store.ApplyResult{Created: 6, Updated: 5, Unchanged: 1234 - 1 + 1234 - 3}
			if err != nil || res != want {
				t.Fatalf("second apply: %+v, %v; want %+v", res, err, want)
			}
			check := func(d *domain.Device) {
				t.Helper()
				got, err := store.Get[*domain.Device](ctx, s, d.Name)
				if err != nil || got.Description != d.Description || !slices.Equal(got.Lines, d.Lines) {
					t.Errorf("%s: %+v, %v; want %+v", d.Name, got, err, d)
				}
			}
			for i, d := range ds2 {
				if i != 3 {
					check(d)
				}
			}
			check(again)
			check(extra[2])
			if l, err := store.Get[*domain.Line](ctx, s, ls2[900].Number); err != nil || l.DisplayName != "Renamed" {
				t.Errorf("renamed line: %+v, %v", l, err)
			}
		})
	}
}

// voicePorts returns n Voice Mail Port gateways of storetest.Site's
// group, gateway k named VM<k> with the MAC 0022AA<k>.
func voicePorts(n int) []*domain.Gateway {
	var gs []*domain.Gateway
	for k := range n {
		gs = append(gs, &domain.Gateway{Name: fmt.Sprintf("VM%04d", k), MAC: fmt.Sprintf("0022AA%06X", k),
			Model: "Voice Mail Port", Group: "G1"})
	}
	return gs
}

// TestApplyGroupConflict: a MAC that belongs to another gateway, late in
// a group of new gateways, fails the multi-row INSERT; Apply then names
// the gateway at fault as a single write would (a field error on its
// MAC), and writes nothing. On PostgreSQL the transaction must survive
// the failed statement to find it. (A phone's name is SEP and its MAC, so
// two phones cannot share one: gateways named by host name can.)
func TestApplyGroupConflict(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := siteStore(t, b.make(t))
			before, err := s.LastChange(ctx)
			if err != nil {
				t.Fatal(err)
			}
			gs := voicePorts(700)
			bad := &domain.Gateway{Name: "VMX", MAC: "00:1f:ca:c3:de:10", Model: "Voice Mail Port", Group: "G1"} // SKIGW1FCAC3DE10's
			gs = slices.Insert(gs, 640, bad)
			_, err = s.Apply(ctx, &domain.Site{Gateways: gs})
			var fe *domain.FieldError
			if !errors.As(err, &fe) || fe.Key != "VMX" || fe.Field != "mac" || !errors.Is(err, domain.ErrExists) {
				t.Fatalf("apply: %v, want a field error on VMX's mac", err)
			}
			if after, _ := s.LastChange(ctx); after != before {
				t.Errorf("a failed apply logged changes %d → %d", before, after)
			}
			if _, err := s.Get(ctx, domain.KindGateway, gs[0].Name); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("gateway of the failed apply: %v", err)
			}
		})
	}
}

// TestApplyGroupMACMoves: one document that first gives an existing
// device a new MAC, then creates a device with its old MAC, applies as it
// would record by record (the update frees the MAC before the insert
// takes it), on both backends.
func TestApplyGroupMACMoves(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := siteStore(t, b.make(t))
			lobby := func(mac string) *domain.Device {
				return &domain.Device{Name: "LOBBY", MAC: mac, Model: "7970", Protocol: "SIP", Pool: "HQ"}
			}
			if _, err := s.Apply(ctx, &domain.Site{Devices: []*domain.Device{lobby("0022AA000001")}}); err != nil {
				t.Fatal(err)
			}
			ds, _ := phones(1, 1) // MAC 0022AA000001
			ds[0].Lines = nil
			if _, err := s.Apply(ctx, &domain.Site{Devices: []*domain.Device{lobby("0022AA000002"), ds[0]}}); err != nil {
				t.Fatalf("apply of a MAC moved to a new device: %v", err)
			}
			got, err := s.Get(ctx, domain.KindDevice, ds[0].Name)
			if err != nil || got.(*domain.Device).MAC != "0022AA000001" {
				t.Fatalf("the new device: %v, %v", got, err)
			}
		})
	}
}
