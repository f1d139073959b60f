package built

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/render"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

func open(t *testing.T, _ store.Store, s *Source, name string) (string, error) {
	t.Helper()
	b, err := source.ReadFile(context.Background(), s, name, source.TFTP)
	return string(b), err
}

func TestSource(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := demoStore(t, domain.DemoSite())
	s := &Source{Store: st}
	storetest.Follow(ctx, st, s)

	got, err := open(t, st, s, "SEP0000DE000002.cnf.xml")
	if err != nil || !strings.Contains(got, "<displayName>Blaise Pascal</displayName>") {
		t.Fatalf("first open: %v", err)
	}
	if _, err := open(t, st, s, "SEP0000DE000001.cnf"); !errors.Is(err, source.ErrNotFound) {
		t.Errorf("a name the device does not get: %v, want not found", err)
	}
	if _, err := open(t, st, s, "RingList.xml"); !errors.Is(err, source.ErrNotFound) {
		t.Errorf("a name no builder makes: %v, want not found", err)
	}
	if _, err := open(t, st, s, "SEP0000DE0000FF.cnf.xml"); !errors.Is(err, source.ErrNotFound) {
		t.Errorf("an unknown device: %v, want not found", err)
	}
	// A change committed anywhere reaches the next request.
	if _, err := st.SQL().ExecContext(ctx, "UPDATE lines SET display_name = 'Changed in SQL' WHERE number = '4002'"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		got, _ := open(t, st, s, "SEP0000DE000002.cnf.xml")
		if strings.Contains(got, "Changed in SQL") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("cached file never refreshed after the change")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Cached files survive the database going away; uncached ones are busy.
	open(t, st, s, "SEP0000DE000006.cnf.xml")
	cancel()
	time.Sleep(20 * time.Millisecond)
	st.Close()
	if _, err := open(t, st, s, "SEP0000DE000006.cnf.xml"); err != nil {
		t.Errorf("cached file with the database gone: %v", err)
	}
	if _, err := open(t, st, s, "SEP0000DE000001.cnf.xml"); !errors.Is(err, source.ErrBusy) {
		t.Errorf("uncached file with the database gone: %v, want busy", err)
	}
}

// countingStore counts the reads that building needs.
type countingStore struct {
	store.Store
	mu            sync.Mutex
	configs, gets int
}

func (c *countingStore) DeviceConfig(ctx context.Context, name string) (*domain.DeviceConfig, error) {
	c.mu.Lock()
	c.configs++
	c.mu.Unlock()
	time.Sleep(20 * time.Millisecond) // a slow database, so requests pile up
	return c.Store.DeviceConfig(ctx, name)
}

func (c *countingStore) Get(ctx context.Context, k domain.Kind, key string) (domain.Entity, error) {
	c.mu.Lock()
	c.gets++
	c.mu.Unlock()
	return c.Store.Get(ctx, k, key)
}

// TestStorm: many requests at once for one uncached name build it once;
// repeated requests for a name no builder makes ask the database once.
func TestStorm(t *testing.T) {
	st := demoStore(t, domain.DemoSite())
	cs := &countingStore{Store: st}
	s := &Source{Store: cs}
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got, err := open(t, st, s, "SEP0000DE000002.cnf.xml"); err != nil || !strings.Contains(got, "Blaise") {
				t.Errorf("storm: %v", err)
			}
		}()
	}
	wg.Wait()
	if cs.configs != 1 {
		t.Errorf("50 concurrent requests built the file %d times, want 1", cs.configs)
	}
	for i := 0; i < 20; i++ {
		if _, err := open(t, st, s, "RingList.xml"); !errors.Is(err, source.ErrNotFound) {
			t.Fatal(err)
		}
	}
	if cs.gets != 1 {
		t.Errorf("20 requests for a name no builder makes read the database %d times, want 1", cs.gets)
	}
	s.Invalidate() // a change: the miss is forgotten
	open(t, st, s, "RingList.xml")
	if cs.gets != 2 {
		t.Errorf("after a change the miss should be asked again: %d reads", cs.gets)
	}
}

// TestNoCache: with Enable Caching of Configuration Files off, every
// request builds the file.
func TestNoCache(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "n.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.Apply(ctx, domain.DemoSite())
	cs := &countingStore{Store: st}
	s := &Source{Store: cs}
	s.NoCache.Store(true)
	for i := 0; i < 3; i++ {
		if _, err := open(t, st, s, "SEP0000DE000002.cnf.xml"); err != nil {
			t.Fatal(err)
		}
	}
	if cs.configs != 3 {
		t.Errorf("3 requests without the cache built %d times", cs.configs)
	}
	s.NoCache.Store(false)
	open(t, st, s, "SEP0000DE000002.cnf.xml")
	open(t, st, s, "SEP0000DE000002.cnf.xml")
	if cs.configs != 4 {
		t.Errorf("with the cache back on: %d builds, want 4", cs.configs)
	}
}

// TestSiteFilesServed: for the demo site, under each Build CNF Files
// value, every file render.SiteFiles lists ("cmtftp build") is served from
// a real store with exactly those bytes, through the Source and through
// Render ("cmtftp show"); and every candidate name of a demo device, dial
// plan or softkey template that SiteFiles does not list is not served.
func TestSiteFilesServed(t *testing.T) {
	for _, buildCNF := range []string{domain.BuildSelective, domain.BuildAll, domain.BuildNone} {
		t.Run(buildCNF, func(t *testing.T) {
			ctx := context.Background()
			st, x := demoUnder(t, buildCNF)
			s := &Source{Store: st}
			listed := map[string]bool{}
			for f, err := range render.SiteFiles(x) {
				if err != nil {
					t.Fatal(err)
				}
				listed[f.Name()] = true
				want, err := f.Render()
				if err != nil {
					t.Fatalf("%s: %v", f.Name(), err)
				}
				if got, err := open(t, st, s, f.Name()); err != nil || got != string(want) {
					t.Errorf("%s: served %d bytes (%v), SiteFiles renders %d: they differ", f.Name(), len(got), err, len(want))
				}
				if got, _, err := Render(ctx, st, f.Name()); err != nil || string(got) != string(want) {
					t.Errorf("%s: Render gives other bytes (%v)", f.Name(), err)
				}
			}
			if len(listed) < 12 || !listed["SEP0000DE000002.cnf.xml"] || !listed["XMLDefault.cnf.xml"] {
				t.Fatalf("SiteFiles lists only %d files", len(listed))
			}
			for _, name := range candidates(x) {
				if listed[name] {
					continue
				}
				if _, err := open(t, st, s, name); !errors.Is(err, source.ErrNotFound) {
					t.Errorf("%s is served (%v) but SiteFiles does not list it", name, err)
				}
			}
		})
	}
}

// demoUnder opens a SQLite store holding the demo site with Build CNF
// Files set to buildCNF, and indexes the same site in memory.
func demoUnder(t *testing.T, buildCNF string) (store.Store, *domain.Index) {
	t.Helper()
	site := func() *domain.Site {
		s := domain.DemoSite()
		s.Service = append(s.Service, &domain.Param{Name: domain.ParamBuildCNFFiles, Value: buildCNF})
		return s
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Apply(context.Background(), site()); err != nil {
		t.Fatal(err)
	}
	mem := site()
	for _, e := range mem.Entities() {
		if err := domain.Normalize(e); err != nil {
			t.Fatal(err)
		}
	}
	return st, domain.NewIndex(mem)
}

// candidates lists every name a request could ask of x's devices, dial
// plans and softkey templates, whether or not they get it.
func candidates(x *domain.Index) []string {
	var out []string
	for _, name := range x.Devices() {
		mac := strings.TrimPrefix(name, "SEP")
		out = append(out, name+".cnf", name+".cnf.xml", "SIP"+mac+".cnf", "ld"+strings.ToLower(mac), "gk"+strings.ToLower(mac))
	}
	for _, p := range x.DialPlans() {
		out = append(out, "DR"+p.Name+".xml", p.Name+".xml")
	}
	for _, sk := range x.Softkeys() {
		out = append(out, "SK"+sk.Name+".xml")
	}
	return out
}

// TestSelectiveRebuild: after a change, exactly the files rendered from
// the changed record are built again; the others are served as kept. The
// changes are real writes, their events read from the store's own feed.
func TestSelectiveRebuild(t *testing.T) {
	ctx := context.Background()
	site := domain.DemoSite()
	st := demoStore(t, site)
	var names []string
	for f, err := range render.SiteFiles(domain.NewIndex(site)) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, f.Name())
	}
	s := &Source{Store: st}
	devices := func(macs ...string) func(string) bool {
		return func(n string) bool {
			for _, m := range macs {
				if strings.Contains(strings.ToUpper(n), m) {
					return true
				}
			}
			return false
		}
	}
	// Every file but the dial plans and softkey templates reads the servers and the parameters: the devices',
	// the gateways' and the default files.
	deviceOrDefault := func(n string) bool {
		return !strings.HasPrefix(n, "DR") && n != "SKStandard-User.xml" && !strings.HasPrefix(n, "demo-")
	}
	for _, tc := range []struct {
		name    string
		change  func(*domain.Site) domain.Entity
		rebuilt func(string) bool
	}{
		{"line 4100: the two devices with it", func(s *domain.Site) domain.Entity { l := s.Lines[7]; l.DisplayName = "Lobby"; return l }, devices("0000DE000001", "0000DE000002")},
		{"device 3: its files", func(s *domain.Site) domain.Entity { d := s.Devices[2]; d.Description = "moved"; return d }, devices("0000DE000003")},
		{"dial plan demo-7905: the devices naming it", func(s *domain.Site) domain.Entity {
			p := s.DialPlans[2]
			p.Description = "changed"
			return p
		}, devices("0000DE000004", "0000DE000005")},
		{"softkey template: its file and the devices naming it", func(s *domain.Site) domain.Entity {
			k := s.Softkeys[0]
			k.Description = "changed"
			return k
		}, func(n string) bool { return n == "SKStandard-User.xml" || devices("0000DE000002", "0000DE000006")(n) }},
		{"server cm-b: every device and the default files", func(s *domain.Site) domain.Entity {
			v := s.Servers[1]
			v.Description = "changed"
			return v
		}, deviceOrDefault},
		{"a parameter: every device and the default files", func(s *domain.Site) domain.Entity {
			return &domain.Param{Scope: domain.KindEnterprise, Name: "servicesURL", Value: "http://127.0.0.1:6970/other.xml"}
		}, deviceOrDefault},
		{"a login (extension mobility) on device 1: its files", func(*domain.Site) domain.Entity {
			return &domain.Login{Device: "SEP0000DE000001", Profile: "ada-em"}
		}, devices("0000DE000001")},
		{"the profile logged in there: that device", func(s *domain.Site) domain.Entity {
			p := s.Profiles[0]
			p.Description = "changed"
			return p
		}, devices("0000DE000001")},
		{"a custom file: nothing", func(*domain.Site) domain.Entity {
			return &domain.CustomFile{Name: "hello.txt", Data: []byte("hi")}
		}, func(string) bool { return false }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := map[string]source.File{}
			for _, n := range names {
				before[n] = mustOpen(t, s, n)
			}
			after, err := st.LastChange(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Put(ctx, tc.change(site)); err != nil {
				t.Fatal(err)
			}
			deliver(t, st, s, after)
			var rebuilt []string
			for _, n := range names {
				if got := mustOpen(t, s, n); got != before[n] {
					rebuilt = append(rebuilt, n)
				}
			}
			for _, n := range names {
				if want, got := tc.rebuilt(n), slices.Contains(rebuilt, n); want != got {
					t.Errorf("%s: rebuilt %v, want %v (rebuilt: %v)", n, got, want, rebuilt)
				}
			}
		})
	}
}

func mustOpen(t *testing.T, s *Source, name string) source.File {
	t.Helper()
	req, _ := source.NewRequest(name, source.TFTP, netip.AddrPort{}, netip.Addr{})
	f, err := s.Open(context.Background(), req)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

// deliver hands s the store's change events after the ID after, up to the
// newest.
func deliver(t *testing.T, st store.Store, s *Source, after int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	last, err := st.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := st.Changes(ctx, after)
	if err != nil {
		t.Fatal(err)
	}
	for c := range ch {
		s.HandleChange(ctx, c)
		if c.ID >= last {
			return
		}
	}
	t.Fatal("the change feed ended early")
}

// TestChangesNotRead: a change of custom files or remote clusters, which
// no builder reads, keeps the built files; any other change drops them.
func TestChangesNotRead(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t, domain.DemoSite())
	builds := 0
	s := &Source{Store: st, OnBuild: func(render.Kind, time.Duration, error, bool) { builds++ }}
	for _, tc := range []struct {
		kind    domain.Kind
		rebuilt bool
	}{{domain.KindFile, false}, {domain.KindRemote, false}, {domain.KindService, true}} {
		open(t, st, s, "SEP0000DE000002.cnf.xml")
		before := builds
		s.HandleChange(ctx, store.Change{Kind: tc.kind, Key: "x", Op: store.OpUpdate})
		open(t, st, s, "SEP0000DE000002.cnf.xml")
		if rebuilt := builds > before; rebuilt != tc.rebuilt {
			t.Errorf("after a %s change rebuilt %v, want %v", tc.kind, rebuilt, tc.rebuilt)
		}
	}
}

// TestChangedCompacted: a full change history forgets the changes older
// than every kept file instead of dropping the kept files; a change of a
// kept file's record after that still rebuilds it.
func TestChangedCompacted(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t, domain.DemoSite())
	s := &Source{Store: st}
	for i := range maxChanged - 1 { // changes of records no file here reads
		s.HandleChange(ctx, store.Change{Kind: domain.KindLine, Key: fmt.Sprintf("9%06d", i)})
	}
	first := mustOpen(t, s, "SEP0000DE000002.cnf.xml")
	for i := range 10 { // past the bound: compacted, not dropped
		s.HandleChange(ctx, store.Change{Kind: domain.KindLine, Key: fmt.Sprintf("8%06d", i)})
	}
	if got := mustOpen(t, s, "SEP0000DE000002.cnf.xml"); got != first {
		t.Fatal("a full history dropped a file none of whose records changed")
	}
	if n := len(s.changed); n >= maxChanged/2 {
		t.Fatalf("%d changes remembered after compaction", n)
	}
	s.HandleChange(ctx, store.Change{Kind: domain.KindLine, Key: "4002"})
	if got := mustOpen(t, s, "SEP0000DE000002.cnf.xml"); got == first {
		t.Fatal("a change of its line after compaction did not rebuild it")
	}
}

// demoStore is a SQLite store in a temporary file holding site, closed
// when the test ends.
func demoStore(t *testing.T, site *domain.Site) *sqlstore.DB {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Apply(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	return st
}
