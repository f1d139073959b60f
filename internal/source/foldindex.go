package source

import (
	"sync"
	"time"
)

// A name asked for in another case ("sep001122aabbcc.cnf.xml") is looked
// up without regard to ASCII case, which means reading the directory. A
// request for a name that is nowhere (a trust list a non-secure cluster
// lacks, a file only another cluster has) takes the same path, and reading
// a root of thousands of files on every such request made its cost grow
// with the root. So Disk keeps, for each directory such a lookup read, its
// names by their lower-case form and the directory's modification time: a
// later lookup stats the directory (one system call) and reads it again
// only when it has changed since.
//
// A directory's time moves when a name in it is added, removed or renamed,
// but in coarse steps: a change in the same step as the listing would go
// unseen. So a listing is trusted only once it was made more than
// foldRacyWindow after the directory last changed; until then each lookup
// reads the directory again. A trusted listing is checked against the
// directory's time at most every foldCheckEvery: a name added in another
// case is found that much later at worst (an exact name is always opened
// first, and found at once).

const (
	// maxFoldDirs bounds the directories whose names are kept; past it the
	// index starts afresh.
	maxFoldDirs = 1024
	// foldRacyWindow is how long after a directory changed a listing of it
	// is not trusted.
	foldRacyWindow = time.Second
	// foldCheckEvery is how often a trusted listing is checked against
	// its directory's time.
	foldCheckEvery = time.Second
)

// foldIndex is Disk's index of directory listings.
type foldIndex struct {
	mu   sync.Mutex
	dirs map[string]*foldDir
}

// foldDir is one directory's names, by lower-case form.
type foldDir struct {
	mod, listed time.Time
	checked     time.Time // when the directory's time was last found to be mod
	names       map[string]string
}

// recent returns the name in dir that is elem without regard to ASCII
// case from a trusted listing checked within foldCheckEvery of now; known
// says whether there was one.
func (x *foldIndex) recent(dir, elem string, now time.Time) (name string, found, known bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	d := x.dirs[dir]
	if d == nil || now.Sub(d.checked) >= foldCheckEvery {
		return "", false, false
	}
	name, found = d.names[lowerASCII(elem)]
	return name, found, true
}

// get is recent for a listing whose directory's time is mod now: it
// answers when the listing is of that time and trusted, and marks it
// checked.
func (x *foldIndex) get(dir, elem string, mod, now time.Time) (name string, found, known bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	d := x.dirs[dir]
	if d == nil || !d.mod.Equal(mod) || d.listed.Sub(mod) <= foldRacyWindow {
		return "", false, false
	}
	d.checked = now
	name, found = d.names[lowerASCII(elem)]
	return name, found, true
}

// put keeps dir's names as listed at listed, the directory's time being mod.
func (x *foldIndex) put(dir string, names []string, mod, listed time.Time) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		if k := lowerASCII(n); m[k] == "" {
			m[k] = n // of names that differ only in case, the first listed
		}
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.dirs == nil || len(x.dirs) >= maxFoldDirs {
		x.dirs = map[string]*foldDir{}
	}
	x.dirs[dir] = &foldDir{mod: mod, listed: listed, names: m}
	return m
}

// lowerASCII lower-cases the ASCII letters of s, leaving other bytes.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
