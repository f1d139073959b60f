package main

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestMemFlags: the memory flags' checks — the profiles only on loopback.
func TestMemFlags(t *testing.T) {
	for _, tc := range []struct {
		f   memFlags
		err string
	}{
		{memFlags{limit: -1}, ""},
		{memFlags{limit: 0, pprof: "127.0.0.1:6060"}, ""},
		{memFlags{limit: 1 << 30, pprof: "[::1]:6060", pruneAge: time.Hour}, ""},
		{memFlags{limit: -2}, "--memory-limit"},
		{memFlags{limit: -1, pprof: ":6060"}, "loopback"},
		{memFlags{limit: -1, pprof: "192.0.2.1:6060"}, "loopback"},
		{memFlags{limit: -1, pruneAge: -time.Second}, "--change-log-keep"},
		{memFlags{limit: -1, timeline: 1 << 20}, ""},
		{memFlags{limit: -1, timeline: 4096}, "--timeline-bytes"},
		{memFlags{limit: -1, custom: 1 << 20}, ""},
		{memFlags{limit: -1, custom: 4096}, "--custom-file-bytes"},
	} {
		err := tc.f.validate()
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%+v: %v, want %q", tc.f, err, tc.err)
		}
	}
}

// TestPprof: --pprof serves the heap profile on the address given.
func TestPprof(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	f := memFlags{limit: -1, pprof: addr}
	if err := f.servePprof(slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "heap profile") {
		t.Errorf("%s: %.200s", resp.Status, body)
	}
}
