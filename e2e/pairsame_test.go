package e2e

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"
)

// builtNames runs "cmtftp build" on the database dsn and returns the
// names of every file it wrote: every built name of the site.
func builtNames(t *testing.T, dsn string) []string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "built")
	if b, err := exec.Command(binary, "build", "--quiet", "--db", dsn, "--out", out).CombinedOutput(); err != nil {
		t.Fatalf("cmtftp build: %v\n%s", err, b)
	}
	var names []string
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(out, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	return names
}

// TestPairIdenticalAnswers: for every built name of a 10,000-device site
// (each phone's files, the dial plans, softkey templates and default
// files — every name "cmtftp build" writes), two servers on one database
// serve byte-identical files, version stamps and all, so a device that
// fails over from one to the other sees no change.
func TestPairIdenticalAnswers(t *testing.T) {
	const phones = 10000
	db, servers := startPair(t, "", 2)
	a, b := servers[0], servers[1]
	start := time.Now()
	pairSite(t, a, phones)
	names := builtNames(t, db.dsn)
	if len(names) < phones+3 {
		t.Fatalf("cmtftp build wrote %d files for %d phones", len(names), phones)
	}
	t.Logf("%d phones imported and %d names built in %v", phones, len(names), time.Since(start).Round(time.Millisecond))
	start = time.Now()
	work := make(chan string)
	var mu sync.Mutex
	var differ []string
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range work {
				ca, ba, erra := a.get(name)
				cb, bb, errb := b.get(name)
				if erra != nil || errb != nil || ca != http.StatusOK || cb != http.StatusOK || !bytes.Equal(ba, bb) {
					mu.Lock()
					differ = append(differ, name)
					if len(differ) <= 5 {
						t.Errorf("%s: A %d %v (%d bytes), B %d %v (%d bytes)", name, ca, erra, len(ba), cb, errb, len(bb))
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, n := range names {
		work <- n
	}
	close(work)
	wg.Wait()
	if len(differ) > 0 {
		t.Fatalf("%d of %d names differ between the servers", len(differ), len(names))
	}
	t.Logf("%d names fetched from both servers over HTTP and compared in %v", len(names), time.Since(start).Round(time.Millisecond))
}
