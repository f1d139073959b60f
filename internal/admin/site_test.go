package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/storetest"
)

// TestExportStreamed: the document GET /api/v1/export streams reads back
// (with the decoder apply uses) as the site Export returns: no built-in
// model, custom files with their bytes, devices with their lines, remote
// clusters numbered in search order.
func TestExportStreamed(t *testing.T) {
	c, st, srv := newAPI(t, "")
	ctx := context.Background()
	if _, err := c.Apply(ctx, storetest.Site()); err != nil {
		t.Fatal(err)
	}
	want, err := Export(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	code, body := call(t, "GET", srv.URL+"/api/v1/export", "")
	if code != 200 {
		t.Fatalf("export: %d %s", code, body)
	}
	got, err := ReadSite(strings.NewReader(body), Limits{})
	if err != nil {
		t.Fatalf("the streamed document does not read back: %v\n%s", err, body)
	}
	for _, s := range []*domain.Site{got, want} { // Add and ReadSite differ only in the parameters' scope
		for _, p := range s.Service {
			p.Scope = domain.KindService
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("streamed\n%+v\nExport\n%+v", got, want)
	}
	var streamed, flat bytes.Buffer // the client's streamed copy is the same document (call compacts its copy)
	if err := c.ExportTo(ctx, &streamed); err != nil || json.Compact(&flat, streamed.Bytes()) != nil || flat.String() != body {
		t.Errorf("ExportTo: %v, %d bytes compacted against the server's %d", err, flat.Len(), len(body))
	}
	if len(got.Models) != 0 || len(got.Files) != 1 || len(got.Files[0].Data) == 0 || len(got.Devices) != 3 || len(got.Gateways) != 2 ||
		len(got.Devices[0].Lines) != 2 || len(got.RemoteClusters) != 2 || got.RemoteClusters[1].Priority != 2 {
		t.Errorf("exported site: %+v", got)
	}
}

// failingStore is a store whose Each fails after after records of kind.
type failingStore struct {
	store.Store
	kind  domain.Kind
	after int
}

// errBroken is failingStore's error.
var errBroken = errors.New("the database went away")

// Each implements store.Streamer, failing at record f.after of f.kind.
func (f *failingStore) Each(ctx context.Context, k domain.Kind, fn func(domain.Entity) error) error {
	n := 0
	return store.Each(ctx, f.Store, k, func(e domain.Entity) error {
		if k == f.kind && n == f.after {
			return errBroken
		}
		n++
		return fn(e)
	})
}

// TestExportBroken: a store error before anything was sent is an error
// response; one after the first bytes went out cuts the response, which
// the client reports instead of a partial site.
func TestExportBroken(t *testing.T) {
	_, st, _ := newAPI(t, "")
	ctx := context.Background()
	site := storetest.Site()
	for i := range 3000 {
		site.Devices = append(site.Devices, &domain.Device{MAC: fmt.Sprintf("00AA0000%04X", i), Model: "7970", Protocol: "SIP", Pool: "HQ"})
	}
	if _, err := st.Apply(ctx, site); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind  domain.Kind
		after int
	}{{domain.KindServer, 0}, {domain.KindDevice, 2500}} {
		srv := httptest.NewServer((&Server{Store: &failingStore{st, tc.kind, tc.after}}).Handler())
		got, err := (&Client{Base: srv.URL}).Export(ctx)
		srv.Close()
		if err == nil {
			t.Errorf("failing after %d %s records: exported %d devices, no error", tc.after, tc.kind, len(got.Devices))
			continue
		}
		var e *Error
		if asAPI := errors.As(err, &e); asAPI != (tc.after == 0) {
			t.Errorf("failing after %d %s records: %v (an API error: %v)", tc.after, tc.kind, err, asAPI)
		}
	}
}
