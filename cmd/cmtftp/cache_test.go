package main

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"cmtftp/internal/source/built"
)

// TestCacheStatusCommand: "cmtftp cache status" asks the route the server
// adds and prints the table, or the JSON with --json.
func TestCacheStatusCommand(t *testing.T) {
	fixture := built.Stats{Entries: 3000, Bytes: 2439000, BudgetBytes: 512 << 20, FileBytes: 24759000, Compressed: 2744,
		DictBytes: 57845, Evictions: 7, Builds: map[string]uint64{"first": 3000, "changed": 2, "evicted": 7, "uncached": 0},
		ChangedRecords: 1, Caching: true}
	url, _ := startAPI(t, func(mux *http.ServeMux) {
		mux.HandleFunc("GET /api/v1/cache/status", func(w http.ResponseWriter, _ *http.Request) {
			json.NewEncoder(w).Encode(fixture)
		})
	})
	out, err := run(t, url, "cache", "status")
	for _, want := range []string{"entries    ", "3000\n", "bytes  ", "2439000 (2.3 MiB; files 24759000; 813 a file)", "compressed", "2744",
		"budget", "536870912 (512.0 MiB)", "builds evicted", "7\n"} {
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("status: no %q in\n%s%v", want, out, err)
		}
	}
	out, err = run(t, url, "cache", "status", "--json")
	var got built.Stats
	if err != nil || json.Unmarshal([]byte(out), &got) != nil || !reflect.DeepEqual(got, fixture) {
		t.Errorf("status --json:\n%s%v", out, err)
	}
}
