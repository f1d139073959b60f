package signed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"cmtftp/internal/metrics"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
	"cmtftp/internal/trust"
)

// TestConcurrentSignOnce: 50 requests for one name at once share one
// signing, and all get the same verified file.
func TestConcurrentSignOnce(t *testing.T) {
	r := newRig(t, map[string]string{"SKStandard-User.xml": string(bytes.Repeat([]byte("<softKey/>"), 800))})
	var wg sync.WaitGroup
	got := make([][]byte, 50)
	errs := make([]error, 50)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _, errs[i] = r.get(t, "SKStandard-User.xml.sgn", source.TFTP)
		}()
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil || !bytes.Equal(got[i], got[0]) {
			t.Fatalf("request %d: %v, same bytes %v", i, errs[i], bytes.Equal(got[i], got[0]))
		}
	}
	verified(t, got[0], keys.tftp1, "SKStandard-User.xml.sgn")
	if n := r.signs.Load(); n != 1 {
		t.Errorf("%d signings for 50 concurrent requests, want 1", n)
	}
}

// TestBudget: past MaxBytes the least recently used entries go, the bytes
// counted stay within the budget, and an evicted file is signed again.
func TestBudget(t *testing.T) {
	mem := map[string]string{}
	for i := range 40 {
		mem[fmt.Sprintf("SK%02d.xml", i)] = "<softKeyCfg/>"
	}
	r := newRig(t, mem)
	r.step.MaxBytes = 10 * 1024
	reg := prometheus.NewRegistry()
	r.step.Metrics = NewMetrics(reg)
	for i := range 40 {
		r.mustGet(t, fmt.Sprintf("SK%02d.xml.sgn", i))
	}
	entries, size, evicted := r.step.CacheStats()
	if size > r.step.MaxBytes || evicted == 0 || entries+int(evicted) != 40 {
		t.Errorf("%d entries, %d bytes (budget %d), %d evicted", entries, size, r.step.MaxBytes, evicted)
	}
	if size < int64(entries)*(entryOverhead+256+3) {
		t.Errorf("%d bytes for %d entries: a header of a 2048-bit signature is not counted", size, entries)
	}
	if testutil.ToFloat64(r.step.Metrics.bytes) != float64(size) || testutil.ToFloat64(r.step.Metrics.evictions) != float64(evicted) {
		t.Error("the gauges do not follow the cache")
	}
	before := r.signs.Load()
	r.mustGet(t, "SK39.xml.sgn")
	r.mustGet(t, "SK00.xml.sgn")
	if n := r.signs.Load() - before; n != 1 {
		t.Errorf("%d signings for one kept and one evicted file, want 1", n)
	}
}

// TestResync: a resync drops everything kept.
func TestResync(t *testing.T) {
	r := newRig(t, map[string]string{"dialplan.xml": "<DIALTEMPLATE/>"})
	r.mustGet(t, "dialplan.xml.sgn")
	r.mustGet(t, "ITLFile.tlv")
	r.step.HandleChange(context.Background(), store.Change{Kind: store.KindResync})
	if n, size, _ := r.step.CacheStats(); n != 0 || size != 0 {
		t.Errorf("%d entries, %d bytes after a resync", n, size)
	}
}

// TestFileReadAt: the signed file reads as header ++ payload at every
// offset and length, across the boundary too.
func TestFileReadAt(t *testing.T) {
	head, body := []byte("0123456789"), []byte("abcdefghijklmnopqrstuvwxyz")
	whole := append(append([]byte{}, head...), body...)
	f := &File{head: head, body: source.NewMemory(body, testTime)}
	for off := 0; off <= len(whole)+1; off++ {
		for n := 0; n <= 12; n++ {
			p := make([]byte, n)
			m, err := f.ReadAt(p, int64(off))
			want := whole[min(off, len(whole)):min(off+n, len(whole))]
			if !bytes.Equal(p[:m], want) {
				t.Fatalf("ReadAt(%d bytes, %d) = %q, want %q", n, off, p[:m], want)
			}
			if m < n && !errors.Is(err, io.EOF) {
				t.Fatalf("ReadAt(%d bytes, %d): short read with %v", n, off, err)
			}
		}
	}
	if _, err := f.ReadAt(make([]byte, 1), -1); err == nil {
		t.Error("negative offset read")
	}
}

// TestMetrics: the counters pass the lint and count what was signed,
// encrypted and served from the cache.
func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	r := newRig(t, map[string]string{"dialplan.xml": "<DIALTEMPLATE/>", "SEP0000DE000009.cnf.xml": deviceXML(t, "3")})
	r.step.OnSign, r.step.Metrics = m.Signed, m
	r.certs.Store(keys.phone.Cert)
	r.mustGet(t, "dialplan.xml.sgn")
	r.mustGet(t, "dialplan.xml.sgn")
	r.mustGet(t, "ITLFile.tlv")
	r.mustGet(t, "SEP0000DE000009.cnf.xml.enc.sgn")
	// The lint of a registry holding only these: the other Cisco counters
	// are missing, and must be the only complaint.
	if err := metrics.Lint(reg); err != nil && (strings.Contains(err.Error(), "promlint") || strings.Contains(err.Error(), "unbounded")) {
		t.Error(err)
	}
	checks := []struct {
		c    prometheus.Collector
		want float64
	}{
		{m.signs.WithLabelValues("file"), 1}, {m.signs.WithLabelValues("trustlist"), 1}, {m.encrypts, 1},
		{m.hits, 1}, // the second dialplan.xml.sgn
	}
	for i, c := range checks {
		if got := testutil.ToFloat64(c.c); got != c.want {
			t.Errorf("check %d: %v, want %v", i, got, c.want)
		}
	}
	if n := testutil.CollectAndCount(m.encTime); n != 1 {
		t.Errorf("encrypt duration: %d series", n)
	}
}

// TestTrustListBodyKeptOnce: the per-device lists of many devices keep
// one body per list (ITL, CTL) and a header per name: each name costs
// less than half a list, and each list served verifies, names itself and
// carries the records. A new State drops the old bodies with their
// headers: no list is held that is not counted.
func TestTrustListBodyKeptOnce(t *testing.T) {
	r := newRig(t, nil)
	const n = 40
	for i := range n {
		r.known[fmt.Sprintf("0000DE0001%02X", i)] = true
	}
	whole := r.mustGet(t, "ITLFile.tlv")
	_, before, _ := r.step.CacheStats()
	for i := range n {
		for _, f := range []string{"ITLSEP%s.tlv", "ext_ITLSEP%s.tlv", "CTLSEP%s.tlv"} {
			name := fmt.Sprintf(f, fmt.Sprintf("0000DE0001%02X", i))
			file := r.mustGet(t, name)
			if err := trust.Verify(file, keys.sast.Cert.PublicKey); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			h, recs, err := trust.ParseTrustList(file)
			if err != nil || h.Filename != name || len(recs) < 2 {
				t.Fatalf("%s: header names %q, %d records, %v", name, h.Filename, len(recs), err)
			}
			if !bytes.Equal(r.mustGet(t, name), file) {
				t.Fatalf("%s served twice differs", name)
			}
		}
	}
	entries, after, _ := r.step.CacheStats()
	perName := (after - before) / (3 * n)
	if perName > int64(len(whole))/2 {
		t.Errorf("%d bytes kept per per-device list of %d bytes: the body is kept per name", perName, len(whole))
	}
	if want := 1 + 3*n + 2; entries != want { // the names, an ITL and a CTL body
		t.Errorf("%d entries, want %d", entries, want)
	}
	if got := r.lists.Load(); got != 1+3*n {
		t.Errorf("%d lists built for %d names", got, 1+3*n)
	}
	// Under a budget that holds a few lists, no header outlives its body.
	r.step.MaxBytes = int64(3 * len(whole))
	r.state.Store(r.mixed(keys.tftp2, "tftp#2"))
	for i := range n {
		r.mustGet(t, fmt.Sprintf("ITLSEP0000DE0001%02X.tlv", i))
		r.mustGet(t, fmt.Sprintf("CTLSEP0000DE0001%02X.tlv", i))
	}
	r.step.mu.Lock()
	defer r.step.mu.Unlock()
	for _, e := range r.step.entries {
		if e.list != nil && r.step.entries[e.list.key] != e.list {
			t.Errorf("%q is kept without its body", e.key)
		}
	}
	if r.step.bytes > r.step.MaxBytes || r.step.evictions == 0 {
		t.Errorf("%d bytes for a budget of %d, %d evictions", r.step.bytes, r.step.MaxBytes, r.step.evictions)
	}
}
