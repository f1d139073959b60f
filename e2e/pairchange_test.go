package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// has returns a test of a file's bytes: it contains s.
func has(s string) func([]byte) bool {
	return func(b []byte) bool { return bytes.Contains(b, []byte(s)) }
}

// counter is the sum of a counter family's samples on s's /metrics.
func counter(t *testing.T, s *pairServer, name string) float64 {
	t.Helper()
	n := 0.0
	if f := scrape(t, s.admin)[name]; f != nil {
		for _, m := range f.GetMetric() {
			n += m.GetCounter().GetValue()
		}
	}
	return n
}

// sameFrom fetches name from every server and fails unless all serve the
// bytes want.
func sameFrom(t *testing.T, name string, want []byte, servers ...*pairServer) {
	t.Helper()
	for _, s := range servers {
		if got := s.mustGet(t, name); !bytes.Equal(got, want) {
			t.Errorf("%s from %s differs from the other server's (%d and %d bytes)", name, s.name, len(got), len(want))
		}
	}
}

// converged waits (up to 5 s) until each server serves name as want, byte
// for byte: a server that has not yet applied the change serves the old
// file for a moment, and must then serve the same as the others.
func converged(t *testing.T, name string, want []byte, servers ...*pairServer) {
	t.Helper()
	for _, s := range servers {
		s.waitFile(t, name, 5*time.Second, func(b []byte) bool { return bytes.Equal(b, want) })
	}
}

// settled fetches names from s until a round of them runs no build: s
// has applied the changes that were in flight and keeps every one.
func settled(t *testing.T, s *pairServer, names []string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		before := counter(t, s, "cmtftp_builds_total")
		for _, name := range names {
			s.mustGet(t, name)
		}
		if counter(t, s, "cmtftp_builds_total") == before {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s builds %q again on every round", s.name, names)
		}
	}
}

// TestPairChanges: two servers on one PostgreSQL database are one
// service. Each keeps a built file; a change through A's admin API (the
// CLI), one applied through B's, and one typed in psql (no cmtftp code on
// the write path) are each served new by both — within a bounded wait —
// with the same bytes from both; a change of the records the default
// files come from too.
func TestPairChanges(t *testing.T) {
	db, servers := startPair(t, "", 2)
	a, b := servers[0], servers[1]
	pairSite(t, a, 3)
	for i := range 3 {
		sameFrom(t, pairConfig(i), a.mustGet(t, pairConfig(i)), b) // built and kept by both
	}
	sameFrom(t, "XMLDefault.cnf.xml", a.mustGet(t, "XMLDefault.cnf.xml"), b)
	kept := []string{pairConfig(0), pairConfig(1), pairConfig(2), "XMLDefault.cnf.xml"}
	settled(t, b, kept)

	// a) Through A's admin API: B serves it new, and builds that file
	// alone again (selectively: the others it kept are still current).
	builds := counter(t, b, "cmtftp_builds_total")
	start := time.Now()
	mustCLI(t, a.admin, "line", "set", "300000", "--display-name", "Changed On A")
	got := b.waitFile(t, pairConfig(0), 5*time.Second, has("<displayName>Changed On A</displayName>"))
	t.Logf("a change through A served new by B %v after the command began", time.Since(start).Round(time.Millisecond))
	converged(t, pairConfig(0), got, a)
	for _, name := range kept {
		b.mustGet(t, name)
	}
	if n := counter(t, b, "cmtftp_builds_total") - builds; n != 1 {
		t.Errorf("B ran %v builds for a change of one phone's line, want 1", n)
	}

	// apply through B: A serves it new.
	doc := filepath.Join(t.TempDir(), "line.yaml")
	if err := os.WriteFile(doc, []byte("lines:\n  - number: \"300001\"\n    displayName: Applied On B\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, b.admin, "apply", "-f", doc)
	got = a.waitFile(t, pairConfig(1), 5*time.Second, has("<displayName>Applied On B</displayName>"))
	converged(t, pairConfig(1), got, b)

	// b) Typed in psql: both serve it new, a device file and a default file.
	db.psql("UPDATE lines SET display_name = 'Typed In psql' WHERE number = '300002'")
	db.psql("UPDATE servers SET host = '192.0.2.99' WHERE name = 'cucm-pub'")
	got = a.waitFile(t, pairConfig(2), 5*time.Second, has("<displayName>Typed In psql</displayName>"))
	converged(t, pairConfig(2), got, b)
	got = a.waitFile(t, "XMLDefault.cnf.xml", 5*time.Second, has("192.0.2.99"))
	converged(t, "XMLDefault.cnf.xml", got, b)
}
