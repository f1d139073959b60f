package postgres_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlstore"
	"cmtftp/internal/store/storetest"
)

var roleSeq atomic.Int64

// cuttable is a login of its own on a test database, whose connections a
// test can cut and keep from coming back, as a network outage or a
// restarted database would.
type cuttable struct {
	t        *testing.T
	role     string
	dsn      string // the database as that login, named by application_name
	appName  string
	adminDSN string
}

// newCuttable makes a superuser login on the test server (dropped at the
// end) and returns the DSN of dsn's database as that login.
func newCuttable(t *testing.T, dsn string) *cuttable {
	t.Helper()
	n := roleSeq.Add(1)
	c := &cuttable{t: t, role: fmt.Sprintf("cmtftp_cut_%d_%d", os.Getpid(), n), appName: fmt.Sprintf("cmtftp-cut-%d", n), adminDSN: envDSN()}
	c.exec("CREATE ROLE " + c.role + " LOGIN SUPERUSER")
	t.Cleanup(func() {
		c.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + c.role + "'")
		c.exec("DROP ROLE IF EXISTS " + c.role)
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(c.role)
	q := u.Query()
	q.Set("application_name", c.appName)
	u.RawQuery = q.Encode()
	c.dsn = u.String()
	return c
}

func (c *cuttable) exec(q string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.adminDSN)
	if err != nil {
		c.t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, q); err != nil {
		c.t.Fatalf("%s: %v", q, err)
	}
}

// cut refuses the login new connections and terminates every backend of
// its application_name; restore lets it connect again.
func (c *cuttable) cut() {
	c.exec("ALTER ROLE " + c.role + " NOLOGIN")
	c.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + c.appName + "'")
}

func (c *cuttable) restore() { c.exec("ALTER ROLE " + c.role + " LOGIN") }

// follow runs store.Follow on st and returns the changes it hands on, in
// a channel the test must read (unread, Follow stops reading the feed).
func follow(t *testing.T, st store.Store, log *storetest.LogBuffer) <-chan store.Change {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	got := make(chan store.Change)
	store.Follow(ctx, st, slog.New(slog.NewTextHandler(log, nil)), func(c store.Change) {
		select {
		case got <- c:
		case <-ctx.Done():
		}
	})
	return got
}

// expect reads changes from got until want lines were handed on (or 15 s
// pass), failing on a resync, and returns the keys of the lines.
func expect(t *testing.T, got <-chan store.Change, want int) []string {
	t.Helper()
	var keys []string
	deadline := time.After(15 * time.Second)
	for len(keys) < want {
		select {
		case c := <-got:
			if c.Kind == store.KindResync {
				t.Fatalf("a resync after %v: the follower should have caught up from the log", keys)
			}
			if c.Kind == domain.KindLine {
				keys = append(keys, c.Key)
			}
		case <-deadline:
			t.Fatalf("%d of %d changes within 15 s: %v", len(keys), want, keys)
		}
	}
	return keys
}

// TestFollowOutage: a follower whose connections are all cut, and kept
// from coming back for 2 s while another server writes, reconnects with
// backoff and catches up from the change log by the last change it
// applied — every change of the outage, in order, no resync, though no
// notification reached it — and logs the outage once when lost and once
// when back. Then, falling behind the retention while connected (it stops
// reading while 2,500 changes come and the log is pruned), it is told to
// resync and says so in the log.
func TestFollowOutage(t *testing.T) {
	dsn := newDatabase(t)
	writer := openDSN(t, dsn).(*sqlstore.DB)
	cut := newCuttable(t, dsn)
	follower := openDSN(t, cut.dsn)
	var log storetest.LogBuffer
	got := follow(t, follower, &log)
	ctx := context.Background()
	put := func(n string) {
		t.Helper()
		if _, err := writer.Put(ctx, &domain.Line{Number: n}); err != nil {
			t.Fatal(err)
		}
	}
	put("5000")
	expect(t, got, 1)

	cut.cut()
	var want []string
	for i := 1; i <= 5; i++ {
		want = append(want, fmt.Sprint(5000+i))
		put(want[i-1])
		time.Sleep(400 * time.Millisecond)
	}
	cut.restore()
	back := time.Now()
	if keys := expect(t, got, 5); strings.Join(keys, " ") != strings.Join(want, " ") {
		t.Errorf("after the outage: %v, want %v", keys, want)
	}
	if d := time.Since(back); d > store.MaxReopenWait+2*time.Second {
		t.Errorf("caught up %v after the database let it in again: the backoff is not bounded by %v", d, store.MaxReopenWait)
	}
	out := log.String()
	if strings.Count(out, "change feed lost") != 1 || strings.Count(out, "change feed back") != 1 {
		t.Errorf("want one warning when lost and one line when back, log:\n%s", out)
	}

	// Behind the retention while connected.
	if _, err := writer.SQL().ExecContext(ctx, "INSERT INTO lines (number) SELECT '9' || g FROM generate_series(1, 2500) g"); err != nil {
		t.Fatal(err)
	}
	if _, err := writer.Prune(ctx, -time.Hour); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(15 * time.Second)
	for resynced := false; !resynced; {
		select {
		case c := <-got:
			resynced = c.Kind == store.KindResync
		case <-deadline:
			t.Fatal("no resync within 15 s for a follower behind the pruned log")
		}
	}
	waitLog(t, &log, "change log pruned past the last change this server applied")
	t.Logf("follower log:\n%s", log.String())
}

// waitLog waits up to 5 s for s in the log.
func waitLog(t *testing.T, log *storetest.LogBuffer, s string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(log.String(), s); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the log lacks %q:\n%s", s, log.String())
		}
	}
}
