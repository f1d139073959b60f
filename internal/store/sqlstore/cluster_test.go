package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
	"cmtftp/internal/store/sqlstore"
)

// member is a registry row for the tests, beating every interval.
func member(id, host, tftp string, at time.Time, interval time.Duration) store.Member {
	return store.Member{ID: id, Host: host, TFTPAddrs: tftp, HTTPAddr: ":6970", AdminAddr: "127.0.0.1:6980", Version: "test",
		Started: at, Heartbeat: at, Interval: interval}
}

// memberIDs returns the IDs the registry lists, in its order.
func memberIDs(t *testing.T, s *sqlstore.DB) (ids []string, byID map[string]store.MemberState, newest int64) {
	t.Helper()
	ms, newest, err := s.Members(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byID = map[string]store.MemberState{}
	for _, m := range ms {
		ids, byID[m.ID] = append(ids, m.ID), m
	}
	return ids, byID, newest
}

// TestRegistry: two servers on one host register side by side (their rows
// never confused), a heartbeat updates its own row only and writes
// nothing to the change log, the oldest change a server has not applied
// is reported, an earlier run of the same server is replaced once silent,
// and Leave and Forget remove rows.
func TestRegistry(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			s := siteStore(t, be.make(t))
			newest0, err := s.LastChange(ctx)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now().Add(-10 * time.Second).Truncate(time.Millisecond)
			for _, m := range []store.Member{member("h1-a", "h1", "0.0.0.0:69", start, time.Second),
				member("h1-b", "h1", "127.0.0.2:69", start.Add(time.Millisecond), time.Second)} {
				if err := s.Register(ctx, m); err != nil {
					t.Fatal(err)
				}
			}
			beat := store.Beat{AppliedID: newest0 - 1, CacheBytes: 4096, CacheEntries: 3, Transfers: 2, RequestsMinute: 60}
			if err := s.Heartbeat(ctx, "h1-a", start.Add(time.Second), beat); err != nil {
				t.Fatal(err)
			}
			if err := s.Heartbeat(ctx, "h1-b", start.Add(time.Millisecond), store.Beat{AppliedID: newest0}); err != nil {
				t.Fatal(err)
			}
			if err := s.Heartbeat(ctx, "nobody", start, beat); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("heartbeat of an unregistered server: %v, want ErrNotFound", err)
			}
			ids, byID, newest := memberIDs(t, s)
			if len(ids) != 2 || ids[0] != "h1-a" || ids[1] != "h1-b" {
				t.Fatalf("members %v, want [h1-a h1-b]", ids)
			}
			if newest != newest0 {
				t.Errorf("the registry's writes moved the change log from #%d to #%d", newest0, newest)
			}
			a, b := byID["h1-a"], byID["h1-b"]
			if a.Beat != beat || !a.Heartbeat.Equal(start.Add(time.Second)) || a.Interval != time.Second || a.TFTPAddrs != "0.0.0.0:69" {
				t.Errorf("h1-a after its beat: %+v", a)
			}
			if a.Pending.IsZero() || !b.Pending.IsZero() {
				t.Errorf("oldest change not applied: h1-a (#%d of #%d) %v, want a time; h1-b (all) %v, want none",
					a.AppliedID, newest, a.Pending, b.Pending)
			}
			if b.Beat != (store.Beat{AppliedID: newest0}) || !b.Heartbeat.Equal(start.Add(time.Millisecond)) {
				t.Errorf("h1-b changed by h1-a's beat: %+v", b)
			}
			// h1-b's next run (same host and addresses) replaces it: its
			// heartbeat is older than three intervals.
			if err := s.Register(ctx, member("h1-c", "h1", "127.0.0.2:69", time.Now(), time.Second)); err != nil {
				t.Fatal(err)
			}
			if ids, _, _ := memberIDs(t, s); len(ids) != 2 || ids[1] != "h1-c" {
				t.Errorf("after h1-b's next run registered: %v, want [h1-a h1-c]", ids)
			}
			if err := s.Leave(ctx, "h1-c"); err != nil {
				t.Fatal(err)
			}
			if n, err := s.Forget(ctx, start.Add(2*time.Second)); err != nil || n != 1 {
				t.Errorf("Forget = %d, %v; want h1-a forgotten", n, err)
			}
			if ids, _, _ := memberIDs(t, s); len(ids) != 0 {
				t.Errorf("after Leave and Forget: %v", ids)
			}
		})
	}
}

// TestExclusive: on PostgreSQL, while one store runs a task under a key,
// another store of the same database skips it (and runs it once the first
// is done); SQLite, one host, always runs it.
func TestExclusive(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			open := be.make(t)
			a, b := openStore(t, open), openStore(t, open)
			var inner bool
			ran, err := a.Exclusive(ctx, sqlstore.LockPrune, func(ctx context.Context) error {
				var err error
				inner, err = b.Exclusive(ctx, sqlstore.LockPrune, func(context.Context) error { return nil })
				return err
			})
			if err != nil || !ran {
				t.Fatalf("first Exclusive: ran %v, %v", ran, err)
			}
			if want := be.name == "sqlite"; inner != want {
				t.Errorf("the second store ran the task while the first held it: %v, want %v", inner, want)
			}
			sentinel := errors.New("task failed")
			ran, err = b.Exclusive(ctx, sqlstore.LockPrune, func(context.Context) error { return sentinel })
			if !ran || !errors.Is(err, sentinel) {
				t.Errorf("after the first was done: ran %v, %v; want the task's error", ran, err)
			}
		})
	}
}
