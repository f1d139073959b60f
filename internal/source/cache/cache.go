// Package cache is the constant and load cache of the serving chain: the
// files of a directory (ring lists, locale files, trust lists, backgrounds,
// firmware) held in memory, loaded at start, and refreshed when they change
// on disk (fsnotify) — without a restart, and without ever serving a
// half-written file: the old bytes stay until the writer has been quiet for
// Settle, or until a replacement is renamed into place.
package cache

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"

	"cmtftp/internal/source"
)

// Settle is how long a file must be left alone after a write before its
// new bytes replace the cached ones.
const Settle = 150 * time.Millisecond

// Dir caches the files below Root.
type Dir struct {
	// Root is the directory.
	Root string
	// MaxFile is the largest file kept (0: 64 MiB); larger ones are left
	// to the disk source.
	MaxFile int64
	// MaxTotal bounds the memory of the whole cache (0: 1 GiB); files past
	// it are left to the disk source.
	MaxTotal int64
	// Logger receives reload errors; nil discards.
	Logger *slog.Logger
	// OnReload, if set, is called after a file's cached bytes change
	// (added, replaced or removed): the metrics hook.
	OnReload func(name string)

	mu      sync.RWMutex
	files   map[string]*source.Memory // by slash path
	folded  map[string]string         // lower-case path → path
	total   int64
	pending map[string]*time.Timer
	loaded  atomic.Int64
}

var _ source.Source = (*Dir)(nil)

// Load reads every regular file below Root (within the limits) and starts
// watching the tree until ctx ends. Symbolic links are not followed out
// of the root.
func (d *Dir) Load(ctx context.Context) error {
	if d.MaxFile == 0 {
		d.MaxFile = 64 << 20
	}
	if d.MaxTotal == 0 {
		d.MaxTotal = 1 << 30
	}
	d.files, d.folded, d.pending = map[string]*source.Memory{}, map[string]string{}, map[string]*time.Timer{}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	err = filepath.WalkDir(d.Root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil // an unreadable entry is left to the disk source
		}
		if e.IsDir() {
			if werr := w.Add(p); werr != nil && d.Logger != nil {
				d.Logger.Warn("cannot watch directory", "dir", p, "err", werr)
			}
			return nil
		}
		if e.Type().IsRegular() {
			d.reload(p)
		}
		return nil
	})
	if err != nil {
		w.Close()
		return err
	}
	go d.watch(ctx, w)
	return nil
}

// Files returns how many files are cached and their total size.
func (d *Dir) Files() (int, int64) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return len(d.files), d.total
}

// Open implements source.Source; names not cached are source.ErrNotFound
// (the disk source behind the cache answers for them).
func (d *Dir) Open(_ context.Context, req *source.Request) (source.File, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if f, ok := d.files[req.Path]; ok {
		return f, nil
	}
	if p, ok := d.folded[strings.ToLower(req.Path)]; ok {
		return d.files[p], nil
	}
	return nil, source.ErrNotFound
}

func (d *Dir) rel(p string) (string, bool) {
	r, err := filepath.Rel(d.Root, p)
	if err != nil || r == "." || strings.HasPrefix(r, "..") {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// reload reads one file (by OS path) into the cache, or drops it.
func (d *Dir) reload(p string) {
	name, ok := d.rel(p)
	if !ok {
		return
	}
	var m *source.Memory
	st, err := os.Lstat(p)
	if err == nil && st.Mode().IsRegular() && st.Size() <= d.MaxFile {
		if b, err := os.ReadFile(p); err == nil {
			m = source.NewMemory(b, st.ModTime())
		} else if d.Logger != nil {
			d.Logger.Warn("cannot cache file", "file", name, "err", err)
		}
	}
	d.mu.Lock()
	old := d.files[name]
	if old != nil {
		d.total -= old.Size()
		delete(d.files, name)
		delete(d.folded, strings.ToLower(name))
	}
	if m != nil && d.total+m.Size() <= d.MaxTotal {
		d.files[name] = m
		d.folded[strings.ToLower(name)] = name
		d.total += m.Size()
	}
	d.mu.Unlock()
	d.loaded.Add(1)
	if d.OnReload != nil && (old != nil || m != nil) {
		d.OnReload(name)
	}
}

// watch applies file-system events Settle after the last event on a file.
func (d *Dir) watch(ctx context.Context, w *fsnotify.Watcher) {
	defer w.Close()
	for {
		select {
		case <-ctx.Done():
			d.mu.Lock()
			for _, t := range d.pending {
				t.Stop()
			}
			d.mu.Unlock()
			return
		case err := <-w.Errors:
			if d.Logger != nil && !errors.Is(err, fsnotify.ErrEventOverflow) {
				d.Logger.Warn("file watch error", "err", err)
			}
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Lstat(ev.Name); err == nil && st.IsDir() {
					w.Add(ev.Name)
					filepath.WalkDir(ev.Name, func(p string, e fs.DirEntry, err error) error {
						if err == nil && e.Type().IsRegular() {
							d.later(p, Settle)
						}
						return nil
					})
					continue
				}
			}
			// Every change waits for the file to settle: a file created and
			// then written in place is not read half-written, and a file
			// renamed into place is complete when it appears.
			d.later(ev.Name, Settle)
		}
	}
}

// later (re)schedules the reload of p after delay.
func (d *Dir) later(p string, delay time.Duration) {
	if d.pending == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if t, ok := d.pending[p]; ok {
		t.Stop()
	}
	d.pending[p] = time.AfterFunc(delay, func() {
		d.mu.Lock()
		delete(d.pending, p)
		d.mu.Unlock()
		d.reload(p)
	})
}
