package admin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"cmtftp/internal/devicecsv"
	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/storetest"
)

// importCSV returns a CSV file of n 7970s of storetest.Site's pool: device
// k has its own line 6<k> and the line 7<k/1000>, shared by a thousand
// devices across batches, whose display name only a later row gives.
func importCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("MAC ADDRESS,DEVICE TYPE,DEVICE POOL,DESCRIPTION,DIRECTORY NUMBER 1,DISPLAY 1,DIRECTORY NUMBER 2,DISPLAY 2\n")
	for k := range n {
		shared := ""
		if k%1000 == 700 {
			shared = fmt.Sprintf("Shared %d", k/1000)
		}
		fmt.Fprintf(&b, "0022AA%06X,Cisco 7970,HQ,row %d,6%05d,User %d,7%04d,%s\n", k, k, k, k, k/1000, shared)
	}
	return b.Bytes()
}

// TestImportCSV imports a CSV file in several batches through the API and
// checks what the store returns against the file, row by row; that the
// change feed reports every device and line; and that importing it again
// changes nothing.
func TestImportCSV(t *testing.T) {
	c, st, _ := newAPI(t, "")
	ctx := context.Background()
	if _, err := c.Apply(ctx, storetest.Site()); err != nil {
		t.Fatal(err)
	}
	site, err := store.LoadSite(ctx, c, domain.KindModel, domain.KindPool, domain.KindSoftkey, domain.KindSIPProfile, domain.KindDialPlan)
	if err != nil {
		t.Fatal(err)
	}
	const n, batch = 2500, 300
	data := importCSV(n)
	f, errs := devicecsv.Check(bytes.NewReader(data), site)
	if len(errs) > 0 || f.Count != n {
		t.Fatalf("check: %d devices, %d errors: %v", f.Count, len(errs), errs[:min(3, len(errs))])
	}
	before, err := st.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var progress []int
	res, err := c.Import(ctx, bytes.NewReader(data), f, batch, func(d int) { progress = append(progress, d) })
	if err != nil || res.Devices != n || res.Created != n+n+3 || res.Updated != 0 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	if len(progress) != (n+batch-1)/batch || progress[len(progress)-1] != n {
		t.Errorf("progress %v", progress)
	}
	want := map[string]bool{}
	for k := range n {
		d, err := store.Get[*domain.Device](ctx, st, fmt.Sprintf("SEP0022AA%06X", k))
		lines := []domain.Appearance{{Button: 1, Line: fmt.Sprintf("6%05d", k)}, {Button: 2, Line: fmt.Sprintf("7%04d", k/1000)}}
		if err != nil || d.Model != "7970" || d.Pool != "HQ" || d.Protocol != "SCCP" || d.Description != fmt.Sprintf("row %d", k) || !slices.Equal(d.Lines, lines) {
			t.Fatalf("device %d: %+v, %v", k, d, err)
		}
		l, err := store.Get[*domain.Line](ctx, st, lines[0].Line)
		if err != nil || l.DisplayName != fmt.Sprintf("User %d", k) {
			t.Fatalf("line %s: %+v, %v", lines[0].Line, l, err)
		}
		want["device "+d.Name], want["line "+lines[0].Line], want["line "+lines[1].Line] = true, true, true
	}
	for s := range 3 { // the last thousand is cut short before its row 700
		display := fmt.Sprintf("Shared %d", s)
		if s == n/1000 {
			display = ""
		}
		l, err := store.Get[*domain.Line](ctx, st, fmt.Sprintf("7%04d", s))
		if err != nil || l.DisplayName != display {
			t.Errorf("shared line %d: %+v, %v", s, l, err)
		}
	}
	last := changesAfter(t, st, before, want)
	res, err = c.Import(ctx, bytes.NewReader(data), f, batch, nil)
	if err != nil || res.Created+res.Updated != 0 || res.Devices != n {
		t.Errorf("import again: %+v, %v", res, err)
	}
	if again, _ := st.LastChange(ctx); again != last {
		t.Errorf("importing again logged changes %d → %d", last, again)
	}
}

// changesAfter reads the change feed after id up to its newest change and
// checks that it names every record of want ("kind key"); it returns the
// newest change's id.
func changesAfter(t *testing.T, st store.Store, id int64, want map[string]bool) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	last, err := st.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := st.Changes(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for c := range ch {
		seen[string(c.Kind)+" "+c.Key] = true
		if c.ID >= last {
			break
		}
	}
	missing := 0
	for k := range want {
		if !seen[k] {
			missing++
		}
	}
	if missing > 0 || ctx.Err() != nil {
		t.Errorf("change feed: %d of %d imported records not reported (%v)", missing, len(want), ctx.Err())
	}
	return last
}

// TestImportCSVStops: a batch the server refuses stops the import after
// the whole batches before it, and the error names the CSV line of the
// device at fault.
func TestImportCSVStops(t *testing.T) {
	c, st, _ := newAPI(t, "")
	ctx := context.Background()
	if _, err := c.Apply(ctx, storetest.Site()); err != nil {
		t.Fatal(err)
	}
	// Row 1000 (line 1002) is a phone whose MAC a lab phone, named
	// otherwise, has.
	if _, err := c.Put(ctx, &domain.Device{Name: "lab-phone", MAC: "0022AA0003E8", Model: "7961", Pool: "HQ"}); err != nil {
		t.Fatal(err)
	}
	site, err := store.LoadSite(ctx, c, domain.KindModel, domain.KindPool, domain.KindSoftkey, domain.KindSIPProfile, domain.KindDialPlan)
	if err != nil {
		t.Fatal(err)
	}
	data := importCSV(2500)
	f, errs := devicecsv.Check(bytes.NewReader(data), site)
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	res, err := c.Import(ctx, bytes.NewReader(data), f, 300, nil)
	var le *LineError
	if !errors.As(err, &le) || le.Line != 1002 || res.Devices != 900 {
		t.Fatalf("import: %+v, %v; want a LineError on line 1002 after 900 devices", res, err)
	}
	ds, err := st.List(ctx, domain.KindDevice)
	if err != nil || len(ds) != len(storetest.Site().Devices)+1+900 {
		t.Errorf("%d devices stored, %v", len(ds), err)
	}
}
