package built

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
)

// deviceSite opens a SQLite store holding n 8841 SIP phones of one pool,
// two lines each (their own and a shared one), and returns their config
// file names.
func deviceSite(tb testing.TB, n int) (store.Store, []string) {
	tb.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "site.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	site := &domain.Site{Groups: []*domain.Group{{Name: "G1", Servers: []string{"cm1", "cm2"}}},
		Pools:   []*domain.Pool{{Name: "HQ", Group: "G1"}},
		Servers: []*domain.Server{{Name: "cm1", Host: "192.0.2.21"}, {Name: "cm2", Host: "192.0.2.22"}},
		Lines:   []*domain.Line{{Number: "9000", DisplayName: "Shared"}}, SIPProfiles: []*domain.SIPProfile{{Name: "SIP"}}}
	var names []string
	for i := range n {
		num := strconv.Itoa(100000 + i)
		mac := fmt.Sprintf("%012X", 0xA00000000000+i)
		site.Lines = append(site.Lines, &domain.Line{Number: num, DisplayName: "User " + num})
		site.Devices = append(site.Devices, &domain.Device{MAC: mac, Model: "8841", Protocol: domain.ProtocolSIP, Pool: "HQ",
			SIPProfile: "SIP", Lines: []domain.Appearance{{Button: 1, Line: num}, {Button: 2, Line: "9000"}}})
		names = append(names, "SEP"+mac+".cnf.xml")
	}
	if _, err := st.Apply(ctx, site); err != nil {
		tb.Fatal(err)
	}
	return st, names
}

// TestBudget: past the byte budget the least recently served files are
// dropped first, the kept bytes stay within it, and a dropped file is
// built again with the same bytes; the metrics count it all.
func TestBudget(t *testing.T) {
	st, names := deviceSite(t, 10)
	m := NewMetrics(prometheus.NewRegistry())
	s := &Source{Store: st, Metrics: m, MaxBytes: -1}
	first := map[string]source.File{}
	for _, n := range names[:4] {
		first[n] = mustOpen(t, s, n)
	}
	per := s.Stats().Bytes / 4 // the files are nearly the same size
	s.MaxBytes = per*4 + per/2 // room for four
	mustOpen(t, s, names[0])   // names[0] is now the most recently served: names[1] goes first
	for _, n := range names[4:6] {
		mustOpen(t, s, n)
	}
	st1 := s.Stats()
	if st1.Bytes > s.MaxBytes || st1.Entries != 4 || st1.Evictions != 2 {
		t.Fatalf("after 6 files in a budget of 4: %+v", st1)
	}
	for _, tc := range []struct {
		name string
		kept bool
	}{{names[3], true}, {names[0], true}, {names[1], false}, {names[2], false}} {
		got := mustOpen(t, s, tc.name)
		if kept := got == first[tc.name]; kept != tc.kept {
			t.Errorf("%s kept %v, want %v", tc.name, kept, tc.kept)
		}
		want := first[tc.name].(*source.Memory).Bytes()
		if string(got.(*source.Memory).Bytes()) != string(want) {
			t.Errorf("%s built again with other bytes", tc.name)
		}
	}
	// names[1] and names[2] came back as evicted; each pushed out the
	// least recently served (names[4], then names[5]).
	st2 := s.Stats()
	want := map[string]uint64{"first": 6, "evicted": 2, "changed": 0, "uncached": 0}
	for c, n := range want {
		if st2.Builds[c] != n || testutil.ToFloat64(m.rebuilds[causeIndex(t, c)]) != float64(n) {
			t.Errorf("builds %s = %d (metric %v), want %d", c, st2.Builds[c], testutil.ToFloat64(m.rebuilds[causeIndex(t, c)]), n)
		}
	}
	if st2.Evictions != 4 || testutil.ToFloat64(m.evictions) != 4 || testutil.ToFloat64(m.entries) != 4 ||
		testutil.ToFloat64(m.bytes) != float64(st2.Bytes) || st2.Bytes > s.MaxBytes {
		t.Errorf("stats %+v; metrics evictions %v entries %v bytes %v", st2, testutil.ToFloat64(m.evictions),
			testutil.ToFloat64(m.entries), testutil.ToFloat64(m.bytes))
	}
}

func causeIndex(t *testing.T, name string) cause {
	t.Helper()
	for c, n := range causeNames {
		if n == name {
			return cause(c)
		}
	}
	t.Fatalf("no cause %q", name)
	return 0
}

// TestBuildCauses: a file rebuilt after a change of its record counts as
// changed, after a resync too; with caching off as uncached.
func TestBuildCauses(t *testing.T) {
	ctx := context.Background()
	st, names := deviceSite(t, 3)
	s := &Source{Store: st}
	mustOpen(t, s, names[0])
	mustOpen(t, s, names[1])
	s.HandleChange(ctx, store.Change{Kind: domain.KindDevice, Key: names[0][:15], Op: store.OpUpdate})
	mustOpen(t, s, names[0])
	mustOpen(t, s, names[1]) // kept
	s.HandleChange(ctx, store.Change{Kind: store.KindResync})
	mustOpen(t, s, names[1])
	s.NoCache.Store(true)
	mustOpen(t, s, names[2])
	mustOpen(t, s, names[2])
	want := map[string]uint64{"first": 2, "changed": 2, "evicted": 0, "uncached": 2}
	got := s.Stats()
	for c, n := range want {
		if got.Builds[c] != n {
			t.Errorf("builds %s = %d, want %d (%+v)", c, got.Builds[c], n, got)
		}
	}
	if got.Entries != 1 || got.Caching {
		t.Errorf("after a resync and two uncached builds: %+v", got)
	}
}

// TestBudgetRace: many requests for many names within a small budget keep
// the list and the byte count consistent (run with -race).
func TestBudgetRace(t *testing.T) {
	st, names := deviceSite(t, 40)
	s := &Source{Store: st, MaxBytes: 20 << 10}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				n := names[(g*7+i*13)%len(names)]
				if b, err := source.ReadFile(context.Background(), s, n, source.TFTP); err != nil || len(b) == 0 {
					t.Errorf("%s: %v", n, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int
	var bytes int64
	for k := s.head.next; k != &s.head; k = k.next {
		n++
		bytes += k.charge()
		if s.cache[k.name()] != k {
			t.Fatalf("%s on the list but not in the cache", k.name())
		}
	}
	if n != len(s.cache) || bytes != s.bytes || s.bytes > s.MaxBytes {
		t.Errorf("list %d files %d bytes; cache %d files %d bytes; budget %d", n, bytes, len(s.cache), s.bytes, s.MaxBytes)
	}
}
