package built

import (
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// cgroupLimit is the cgroup v2 memory limit of this process read from
// fsys (the root of the file system): the lowest memory.max of its cgroup
// (named by the "0::" line of /proc/self/cgroup) and of the cgroups above
// it, under /sys/fs/cgroup; 0 when none is set ("max") or there is no
// cgroup v2.
func cgroupLimit(fsys fs.FS) int64 {
	b, err := fs.ReadFile(fsys, "proc/self/cgroup")
	if err != nil {
		return 0
	}
	dir, ok := cgroupPath(string(b))
	if !ok {
		return 0
	}
	var limit int64
	for {
		if b, err := fs.ReadFile(fsys, path.Join("sys/fs/cgroup", dir, "memory.max")); err == nil {
			if n, ok := parseMemoryMax(string(b)); ok && (limit == 0 || n < limit) {
				limit = n
			}
		}
		if dir == "/" || dir == "." {
			return limit
		}
		dir = path.Dir(dir)
	}
}

// cgroupPath is the cgroup v2 path in the contents of /proc/self/cgroup:
// the line "0::/path" (the v1 lines of a hybrid system name controllers).
func cgroupPath(procCgroup string) (string, bool) {
	for _, line := range strings.Split(procCgroup, "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok && strings.HasPrefix(p, "/") {
			return path.Clean(p), true
		}
	}
	return "", false
}

// parseMemoryMax is the limit in the contents of a memory.max file; false
// for "max" (no limit) or anything that is not a positive number.
func parseMemoryMax(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil && n > 0
}
