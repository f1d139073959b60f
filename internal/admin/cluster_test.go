package admin

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/store"
)

// TestClusterMarks: a server is silent past three of its intervals, behind
// with a change waiting more than BehindFor at its last beat or more than
// BehindChanges unapplied before it; the answering server is itself.
func TestClusterMarks(t *testing.T) {
	now := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
	const newest = 5000
	for _, tc := range []struct {
		name                 string
		beatAgo              time.Duration
		applied              int64
		pending              time.Duration // before its beat; 0: none, negative: after it
		self, silent, behind bool
	}{
		{"up to date", time.Second, newest, 0, false, false, false},
		{"itself", time.Second, newest, 0, true, false, false},
		{"silent", 16 * time.Second, newest, 0, false, true, false},
		{"just before silent", 14 * time.Second, newest, 0, false, false, false},
		{"a change waiting 4 s", time.Second, newest - 1, 4 * time.Second, false, false, true},
		{"a change waiting 1 s", time.Second, newest - 1, time.Second, false, false, false},
		{"many changes before its beat", time.Second, newest - 1001, time.Millisecond, false, false, true},
		{"many changes after its beat", time.Second, newest - 1001, -time.Millisecond, false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := store.MemberState{Member: store.Member{ID: "b", Interval: 5 * time.Second, Heartbeat: now.Add(-tc.beatAgo),
				Beat: store.Beat{AppliedID: tc.applied}}}
			if tc.pending != 0 {
				m.Pending = m.Heartbeat.Add(-tc.pending)
			}
			self := "a"
			if tc.self {
				self = "b"
			}
			st := clusterStatus([]store.MemberState{m}, newest, self, now)
			c := st.Servers[0]
			if c.Self != tc.self || c.Silent != tc.silent || c.Behind != tc.behind {
				t.Errorf("self %v silent %v behind %v; want %v %v %v (%+v)", c.Self, c.Silent, c.Behind, tc.self, tc.silent, tc.behind, c)
			}
			if c.BehindChanges != newest-tc.applied || c.HeartbeatAge != tc.beatAgo.Seconds() {
				t.Errorf("behind %d changes, heartbeat %v s ago; want %d, %v", c.BehindChanges, c.HeartbeatAge, newest-tc.applied, tc.beatAgo.Seconds())
			}
		})
	}
}

// TestClusterAPI: GET /api/v1/cluster over a real SQLite store lists the
// registered servers, marks the one whose BaseContext names it, and
// counts the changes each has to apply.
func TestClusterAPI(t *testing.T) {
	c, st, _ := newAPI(t, "")
	ctx := context.Background()
	if _, err := st.Put(ctx, &domain.Line{Number: "4001"}); err != nil {
		t.Fatal(err)
	}
	newest, err := st.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, m := range []store.Member{
		{ID: "h-a", Host: "h", TFTPAddrs: "127.0.0.1:69", Started: now, Heartbeat: now, Interval: time.Second, Beat: store.Beat{AppliedID: newest}},
		{ID: "h-b", Host: "h", TFTPAddrs: "127.0.0.2:69", Started: now.Add(time.Millisecond), Heartbeat: now, Interval: time.Second},
	} {
		if err := st.Register(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	self := httptest.NewUnstartedServer((&Server{Store: st}).Handler())
	self.Config.BaseContext = func(net.Listener) context.Context { return WithMember(context.Background(), "h-b") }
	self.Start()
	defer self.Close()
	for _, tc := range []struct {
		base string
		self string
	}{{c.Base, ""}, {self.URL, "h-b"}} {
		var cs ClusterStatus
		if err := (&Client{Base: tc.base}).GetJSON(ctx, "/api/v1/cluster", &cs); err != nil {
			t.Fatal(err)
		}
		if cs.NewestChange != newest || len(cs.Servers) != 2 || cs.Servers[0].ID != "h-a" || cs.Servers[1].ID != "h-b" {
			t.Fatalf("%s: %+v", tc.base, cs)
		}
		a, b := cs.Servers[0], cs.Servers[1]
		if a.BehindChanges != 0 || b.BehindChanges != newest || a.Self != (tc.self == "h-a") || b.Self != (tc.self == "h-b") {
			t.Errorf("%s: a %+v, b %+v", tc.base, a, b)
		}
	}
	resp, err := http.Get(c.Base + "/api/v1/cluster")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
}
