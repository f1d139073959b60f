package built

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
)

// TestCompressed: once the dictionary is trained on the first kept files,
// later files are kept compressed, far smaller, and every request — over
// TFTP and HTTP from a pooled buffer reused across requests — gets
// exactly the bytes a Source keeping files as they are serves, with the
// same modification time as its first request and their SHA-256 (the
// HTTP ETag) kept with them.
func TestCompressed(t *testing.T) {
	ctx := context.Background()
	st, names := deviceSite(t, trainSamples+100)
	plain := &Source{Store: st, Uncompressed: true}
	s := &Source{Store: st}
	for _, n := range names[:trainSamples] {
		mustOpen(t, s, n)
	}
	waitTrained(t, s)
	want := map[string][]byte{}
	for _, n := range names {
		b, err := source.ReadFile(ctx, plain, n, source.TFTP)
		if err != nil {
			t.Fatal(err)
		}
		want[n] = b
	}
	mod := map[string]time.Time{}
	for round := range 2 { // the first builds, the second serves them from the cache
		for _, n := range names[trainSamples:] {
			for _, proto := range []source.Protocol{source.TFTP, source.HTTP} {
				req, _ := source.NewRequest(n, proto, netip.AddrPort{}, netip.Addr{})
				f, err := s.Open(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				got := make([]byte, f.Size())
				f.ReadAt(got, 0)
				if m, ok := f.(interface{ Bytes() []byte }); !ok || !bytes.Equal(m.Bytes(), want[n]) || !bytes.Equal(got, want[n]) {
					t.Fatalf("round %d, %s over %s: other bytes", round, n, proto)
				}
				if _, isMemory := f.(*source.Memory); isMemory != (round == 0 && proto == source.TFTP) { // the first request builds it
					t.Errorf("round %d, %s over %s: a %T", round, n, proto, f)
				}
				sum := sha256.Sum256(want[n])
				if h, ok := f.(interface{ SHA256() string }); !ok || h.SHA256() != hex.EncodeToString(sum[:]) {
					t.Errorf("round %d, %s over %s: no hash, or another", round, n, proto)
				}
				if m, ok := mod[n]; !ok {
					mod[n] = f.ModTime()
				} else if !m.Equal(f.ModTime()) {
					t.Errorf("round %d, %s over %s: modified %v, first %v", round, n, proto, f.ModTime(), m)
				}
				f.Close()
			}
		}
	}
	stats := s.Stats()
	if stats.Compressed != 100 || stats.Entries != len(names) {
		t.Errorf("compressed %d of %d kept, want 100 of %d", stats.Compressed, stats.Entries, len(names))
	}
	s.Invalidate() // built again, every file is kept compressed
	for _, n := range names {
		mustOpen(t, s, n)
	}
	if stats = s.Stats(); stats.Compressed != len(names) {
		t.Errorf("after a resync %d of %d compressed", stats.Compressed, len(names))
	}
	staleNeverServed(t, st, s, names[len(names)-1])
	if per, plainPer := stats.Bytes/int64(stats.Entries), plainCharge(t, plain); per*4 > plainPer {
		t.Errorf("%d bytes a file kept, %d as they are: compression saves too little", per, plainPer)
	}
}

func plainCharge(t *testing.T, s *Source) int64 {
	t.Helper()
	st := s.Stats()
	if st.Compressed != 0 || st.Entries == 0 {
		t.Fatalf("plain source: %+v", st)
	}
	return st.Bytes / int64(st.Entries)
}

// staleNeverServed changes the device of the kept (compressed) file name
// and checks that the next request gets the new bytes.
func staleNeverServed(t *testing.T, st store.Store, s *Source, name string) {
	t.Helper()
	ctx := context.Background()
	before, _ := source.ReadFile(ctx, s, name, source.TFTP)
	if !bytes.Contains(before, []byte("Shared")) {
		t.Fatalf("%s has no shared line to remove", name)
	}
	d, err := store.Get[*domain.Device](ctx, st, strings.TrimSuffix(name, ".cnf.xml"))
	if err != nil {
		t.Fatal(err)
	}
	after, err := st.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d.Lines = d.Lines[:1] // the shared line goes
	if _, err := st.Put(ctx, d); err != nil {
		t.Fatal(err)
	}
	deliver(t, st, s, after)
	got, err := source.ReadFile(ctx, s, name, source.TFTP)
	if err != nil || bytes.Equal(got, before) || bytes.Contains(got, []byte("Shared")) {
		t.Errorf("%s after its device changed: %v, stale %v", name, err, bytes.Equal(got, before))
	}
}

// TestTrainLargeFirstFile: a first sample larger than the dictionary's
// history still gives a dictionary (its start is the history).
func TestTrainLargeFirstFile(t *testing.T) {
	samples := make([][]byte, 0, trainSamples)
	big := []byte(strings.Repeat("<device><name>SEP0011223344</name><line>4001</line></device>\n", 2000)) // ~120 KiB
	samples = append(samples, big)
	for i := range trainSamples - 1 {
		samples = append(samples, []byte(fmt.Sprintf("<device><name>SEP%012X</name><line>%d</line><label>User %d</label></device>\n", i, 4000+i, i)))
	}
	c, err := train(samples, 1)
	if err != nil {
		t.Fatalf("no dictionary: %v", err)
	}
	if c.dict == 0 {
		t.Fatal("an empty dictionary")
	}
}
