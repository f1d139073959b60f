// Package sitebuild writes every file a site's database describes into a
// directory, for any TFTP server to serve: the devices streamed from the
// store in batches, rendered on every core, with memory bounded whatever
// the number of devices.
package sitebuild

import (
	"context"
	"os"
	"path/filepath"

	"cmtftp/internal/store"
)

// Build renders every file of the site in s into a temporary sibling of
// out, then swaps it into place: a reader of out sees the old set or the
// new one, never half of one. progress (optional) is told the number of
// devices written so far, from any goroutine.
func Build(ctx context.Context, s store.Lister, out string, progress func(devices int64)) (Count, error) {
	out = filepath.Clean(out)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return Count{}, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), "."+filepath.Base(out)+".new-")
	if err != nil {
		return Count{}, err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	os.Chmod(tmp, 0o755)
	n, err := writeSite(ctx, s, tmp, progress)
	if err != nil {
		return Count{}, err
	}
	// Swap: the old directory moves aside, the new one takes its name.
	old := ""
	if _, err := os.Stat(out); err == nil {
		old = tmp + ".old"
		if err := os.Rename(out, old); err != nil {
			return Count{}, err
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			os.Rename(old, out)
		}
		return Count{}, err
	}
	ok = true
	if old != "" {
		os.RemoveAll(old)
	}
	return n, nil
}
