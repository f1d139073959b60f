package console

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// maxRootFiles bounds the root files the files page lists.
const maxRootFiles = 500

// errEnough ends a walk of the root at maxRootFiles.
var errEnough = errors.New("enough files")

// rootFile is one file of the TFTP root as the files page lists it.
type rootFile struct {
	Name     string
	Size     int64
	Modified time.Time
	Cached   bool
}

// rootFiles lists the regular files below root (confined to it: links out
// of it are not followed), at most maxRootFiles in path order, each with
// its cache state; more reports that some were left out.
func rootFiles(root string, cached func(string) bool) (files []rootFile, more bool, err error) {
	if root == "" {
		return nil, false, nil
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, false, fmt.Errorf("console: TFTP root: %w", err)
	}
	defer r.Close()
	err = fs.WalkDir(r.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil // an unreadable folder or a link: not listed
		}
		if len(files) == maxRootFiles {
			more = true
			return errEnough
		}
		f := rootFile{Name: p}
		if info, err := d.Info(); err == nil {
			f.Size, f.Modified = info.Size(), info.ModTime()
		}
		f.Cached = cached != nil && cached(p)
		files = append(files, f)
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, false, fmt.Errorf("console: TFTP root: %w", err)
	}
	return files, more, nil
}
