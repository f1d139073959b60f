package main

import (
	"strings"
	"testing"

	"cmtftp/internal/admin"
	"cmtftp/internal/store"
)

// TestClusterStatusTable: each server is one row with its marks; an empty
// registry says why a server may be missing.
func TestClusterStatusTable(t *testing.T) {
	for _, tc := range []struct {
		name  string
		s     admin.ClusterServer
		state string
	}{
		{"ok", admin.ClusterServer{}, "ok"},
		{"this", admin.ClusterServer{Self: true}, "ok, this"},
		{"silent and behind", admin.ClusterServer{Silent: true, Behind: true}, "silent, behind"},
		{"behind, this", admin.ClusterServer{Behind: true, Self: true}, "behind, this"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := clusterState(tc.s); got != tc.state {
				t.Errorf("state %q, want %q", got, tc.state)
			}
		})
	}
	var b strings.Builder
	cs := admin.ClusterStatus{NewestChange: 42, Servers: []admin.ClusterServer{{
		Member: store.Member{ID: "tftp1-0a0b0c0d", TFTPAddrs: "192.0.2.11:69", AdminAddr: "192.0.2.11:6980", Version: "v1",
			Beat: store.Beat{AppliedID: 40, CacheBytes: 3 << 20, CacheEntries: 12, Transfers: 2, RequestsMinute: 90}},
		BehindChanges: 2, BehindSeconds: 4.25, HeartbeatAge: 1.26, Behind: true}}}
	if err := writeClusterStatus(&b, cs); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"SERVER", "tftp1-0a0b0c0d", "192.0.2.11:69", "#40", "2 (4.2s)", "1.3s ago", "12 files, 3.0 MiB",
		"2 transfers, 90 req/min", "behind\n", "newest change #42\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("no %q in\n%s", want, b.String())
		}
	}
	b.Reset()
	writeClusterStatus(&b, admin.ClusterStatus{})
	if !strings.Contains(b.String(), "no server registered") {
		t.Errorf("empty registry:\n%s", b.String())
	}
}
