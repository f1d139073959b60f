package doctor

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxRootWalk bounds the files the permission check looks at.
const maxRootWalk = 100000

// checkRoot looks at the TFTP root and the database on this host: the
// database must not be inside the root (any device could download it), and
// nothing in the root should be writable by others (whoever writes there
// decides what every phone runs).
func checkRoot(c Config, r *Report) {
	if c.Root == "" {
		return
	}
	root, err := filepath.Abs(c.Root)
	if err != nil {
		r.add(Fail, "TFTP root", err.Error(), "")
		return
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		r.add(Fail, "TFTP root", fmt.Sprintf("%s is not a directory: %v", root, err), "give serve --root the directory the files are in")
		return
	}
	if c.DB != "" {
		if db, err := filepath.Abs(c.DB); err == nil && (db == root || strings.HasPrefix(db, root+string(filepath.Separator))) {
			r.add(Fail, "database", db+" is inside the TFTP root: any device can download it", "move it out of "+root)
		} else {
			r.add(OK, "database", "outside the TFTP root", "")
		}
	}
	var writable []string
	n := 0
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if n++; err != nil || n > maxRootWalk {
			return fs.SkipAll
		}
		if info, err := d.Info(); err == nil && info.Mode().Perm()&0o002 != 0 && info.Mode()&fs.ModeSymlink == 0 {
			writable = append(writable, p)
		}
		return nil
	})
	if len(writable) == 0 {
		r.add(OK, "TFTP root", "nothing in "+root+" is writable by others", "")
		return
	}
	r.add(Fail, "TFTP root", fmt.Sprintf("%d entries are writable by any user: %s", len(writable), short(writable)),
		"chmod o-w them: whoever writes there decides what every phone loads")
}
