// Package alternate is the Alternate File Location step of the serving
// chain: up to ten further directories, asked in order after the TFTP
// root, configured by the service parameters AlternateFileLocation1–10 and
// re-read when they change.
package alternate

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"cmtftp/internal/domain"
	"cmtftp/internal/source"
	"cmtftp/internal/store"
)

// Locations serves from the configured directories, first match wins.
type Locations struct {
	// Store holds the service parameters.
	Store store.Store
	// Logger receives configuration errors; nil discards.
	Logger *slog.Logger

	mu    sync.RWMutex
	paths []string
	disks []*source.Disk
	chain source.Source // source.First over disks
}

var _ source.Source = (*Locations)(nil)

var _ store.ChangeHandler = (*Locations)(nil)

// HandleChange implements store.ChangeHandler: a service parameter change
// (or a resync) re-reads the locations.
func (l *Locations) HandleChange(ctx context.Context, c store.Change) {
	if c.Kind == domain.KindService || c.Kind == store.KindResync {
		l.Refresh(ctx)
	}
}

// Paths returns the directories in use, in order.
func (l *Locations) Paths() []string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return slices.Clone(l.paths)
}

// Refresh re-reads the Alternate File Location parameters.
func (l *Locations) Refresh(ctx context.Context) {
	params, _, err := store.LoadParams(ctx, l.Store)
	if err != nil {
		return // keep the current set; the feed will call again
	}
	paths := params.AlternateFileLocations()
	l.mu.RLock()
	same := slices.Equal(paths, l.paths)
	l.mu.RUnlock()
	if same {
		return
	}
	var disks []*source.Disk
	for _, p := range paths {
		d, err := source.NewDisk(p)
		if err != nil {
			if l.Logger != nil {
				l.Logger.Warn("alternate file location unusable", "dir", p, "err", err)
			}
			continue
		}
		disks = append(disks, d)
	}
	l.mu.Lock()
	old := l.disks
	l.paths, l.disks = paths, disks
	l.chain = source.First(sourcesOf(disks)...)
	l.mu.Unlock()
	// Requests in flight may still be opening files through the old set.
	time.AfterFunc(time.Minute, func() {
		for _, d := range old {
			d.Close()
		}
	})
	if l.Logger != nil {
		l.Logger.Info("alternate file locations", "dirs", paths)
	}
}

// Open implements source.Source: the locations in order, by the chain's
// one fall-through rule (source.First).
func (l *Locations) Open(ctx context.Context, req *source.Request) (source.File, error) {
	l.mu.RLock()
	chain := l.chain
	l.mu.RUnlock()
	if chain == nil {
		return nil, source.ErrNotFound
	}
	return chain.Open(ctx, req)
}

func sourcesOf(disks []*source.Disk) []source.Source {
	out := make([]source.Source, len(disks))
	for i, d := range disks {
		out[i] = d
	}
	return out
}
