package assembly

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/postgres"
	"cmtftp/internal/store/sqlite"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

// clusterBackends open one more store on a database made for the test: a
// SQLite file, or a database of its own on the test PostgreSQL.
var clusterBackends = []struct {
	name string
	make func(t *testing.T) func() *sqlstore.DB
}{
	{"sqlite", func(t *testing.T) func() *sqlstore.DB {
		path := filepath.Join(t.TempDir(), "c.db")
		return opening(t, func(ctx context.Context) (*sqlstore.DB, error) { return sqlite.Open(ctx, path) })
	}},
	{"postgres", func(t *testing.T) func() *sqlstore.DB {
		dsn := storetest.NewPostgresDB(t)
		return opening(t, func(ctx context.Context) (*sqlstore.DB, error) { return postgres.Open(ctx, dsn) })
	}},
}

func opening(t *testing.T, open func(context.Context) (*sqlstore.DB, error)) func() *sqlstore.DB {
	return func() *sqlstore.DB {
		st, err := open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
}

// startOn starts a server over st (its own TFTP root, loopback ports) and
// returns it, its log (info and up) and the function that stops it.
func startOn(t *testing.T, st store.Store, cfg Config) (*Server, *syncBuffer, func()) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "tftp")
	os.Mkdir(root, 0o755)
	os.WriteFile(filepath.Join(root, "RingList.xml"), []byte("<CiscoIPPhoneRingList/>"), 0o644)
	logs := &syncBuffer{}
	cfg.Root, cfg.TFTPAddrs, cfg.HTTPAddr, cfg.ShutdownGrace = root, []string{"127.0.0.1:0"}, "127.0.0.1:0", time.Second
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	srv, err := New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(ctx) }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			if err := <-ran; err != nil {
				t.Errorf("Run: %v", err)
			}
		}
	}
	t.Cleanup(stop)
	return srv, logs, stop
}

// waitMembers polls the registry until ok holds of its rows (by ID).
func waitMembers(t *testing.T, reg store.Registry, what string, ok func(map[string]store.MemberState, int64) bool) map[string]store.MemberState {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ms, newest, err := reg.Members(context.Background())
		byID := map[string]store.MemberState{}
		for _, m := range ms {
			byID[m.ID] = m
		}
		if err == nil && ok(byID, newest) {
			return byID
		}
		if time.Now().After(deadline) {
			t.Fatalf("registry never showed %s: %+v (newest #%d, %v)", what, ms, newest, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestHeartbeat: two servers on one database register with distinct IDs
// and their addresses, report the newest change as applied once their
// feeds hand it to every handler, count their HTTP requests, write nothing
// to the change log with their beats, and leave the registry when they
// stop.
func TestHeartbeat(t *testing.T) {
	for _, be := range clusterBackends {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			open := be.make(t)
			st := open()
			if _, err := st.Apply(ctx, domain.DemoSite()); err != nil {
				t.Fatal(err)
			}
			cfg := Config{Heartbeat: 30 * time.Millisecond}
			a, _, _ := startOn(t, st, cfg)
			b, _, stopB := startOn(t, open(), cfg)
			if a.MemberID() == b.MemberID() {
				t.Fatalf("two servers share the ID %s", a.MemberID())
			}
			newest, _ := st.LastChange(ctx)
			resp, err := http.Get("http://" + a.HTTPAddr().String() + "/RingList.xml")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			byID := waitMembers(t, st, "both servers, A with its request", func(m map[string]store.MemberState, _ int64) bool {
				return len(m) == 2 && m[a.MemberID()].RequestsMinute == 1 && m[b.MemberID()].Heartbeat.After(m[b.MemberID()].Started)
			})
			ma := byID[a.MemberID()]
			if ma.TFTPAddrs != a.TFTPAddrs()[0].String() || ma.HTTPAddr != a.HTTPAddr().String() || ma.Version == "" || ma.Interval != cfg.Heartbeat {
				t.Errorf("A's row: %+v", ma)
			}
			if ma.AppliedID > newest || byID[b.MemberID()].RequestsMinute != 0 {
				t.Errorf("applied #%d of #%d; B's requests %d", ma.AppliedID, newest, byID[b.MemberID()].RequestsMinute)
			}
			d, err := store.Get[*domain.Device](ctx, st, "SEP0000DE000001")
			if err != nil {
				t.Fatal(err)
			}
			d.Description = "moved"
			if _, err := st.Put(ctx, d); err != nil {
				t.Fatal(err)
			}
			changed, _ := st.LastChange(ctx)
			waitMembers(t, st, "the change applied by both", func(m map[string]store.MemberState, newest int64) bool {
				return m[a.MemberID()].AppliedID == changed && m[b.MemberID()].AppliedID == changed && newest == changed
			})
			time.Sleep(5 * cfg.Heartbeat)
			if now, _ := st.LastChange(ctx); now != changed {
				t.Errorf("heartbeats reached the change log: #%d -> #%d", changed, now)
			}
			stopB()
			waitMembers(t, st, "B gone", func(m map[string]store.MemberState, _ int64) bool {
				_, ok := m[b.MemberID()]
				return len(m) == 1 && !ok
			})
		})
	}
}

// TestHeartbeatOutage: while PostgreSQL refuses the server's database,
// beats are skipped with one warning; when it is back, one line says so
// and the heartbeat goes on.
func TestHeartbeatOutage(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.NewPostgresDB(t)
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, logs, _ := startOn(t, st, Config{Heartbeat: 20 * time.Millisecond})
	waitMembers(t, st, "the server", func(m map[string]store.MemberState, _ int64) bool { return len(m) == 1 })
	name := dsn[strings.LastIndex(dsn, "/")+1:]
	if i := strings.IndexByte(name, '?'); i >= 0 {
		name = name[:i]
	}
	super, err := sqlstoreAdmin(t)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{fmt.Sprintf("ALTER DATABASE %s ALLOW_CONNECTIONS false", name),
		fmt.Sprintf("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%s'", name)} {
		if _, err := super.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(300 * time.Millisecond) // many beats skipped
	if _, err := super.ExecContext(ctx, fmt.Sprintf("ALTER DATABASE %s ALLOW_CONNECTIONS true", name)); err != nil {
		t.Fatal(err)
	}
	back := time.Now()
	waitMembers(t, st, "a beat after the outage", func(m map[string]store.MemberState, _ int64) bool {
		return m[srv.MemberID()].Heartbeat.After(back)
	})
	out := logs.String()
	if w, b := strings.Count(out, "cluster heartbeat skipped"), strings.Count(out, "cluster heartbeat back"); w != 1 || b != 1 {
		t.Errorf("%d warnings and %d back lines, want one each:\n%s", w, b, out)
	}
}
