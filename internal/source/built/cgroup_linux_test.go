package built

import (
	"testing"
	"testing/fstest"
)

// TestCgroupLimit: the memory limit is the lowest memory.max of the
// process's cgroup v2 and those above it; "max", a missing file, a v1-only
// system or nonsense are no limit.
func TestCgroupLimit(t *testing.T) {
	hybrid := "12:memory:/docker/abc\n1:name=systemd:/x\n0::/system.slice/cmtftp.service\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  int64
	}{
		{"limit on the cgroup", map[string]string{"proc/self/cgroup": "0::/system.slice/cmtftp.service\n",
			"sys/fs/cgroup/system.slice/cmtftp.service/memory.max": "1073741824\n"}, 1 << 30},
		{"max", map[string]string{"proc/self/cgroup": "0::/a\n", "sys/fs/cgroup/a/memory.max": "max\n"}, 0},
		{"a lower limit above", map[string]string{"proc/self/cgroup": hybrid,
			"sys/fs/cgroup/system.slice/cmtftp.service/memory.max": "max\n",
			"sys/fs/cgroup/system.slice/memory.max":                "536870912\n"}, 512 << 20},
		{"the lowest of two", map[string]string{"proc/self/cgroup": "0::/a/b\n",
			"sys/fs/cgroup/a/b/memory.max": "300000000", "sys/fs/cgroup/a/memory.max": "400000000"}, 300000000},
		{"in a container: its root", map[string]string{"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/memory.max": "2147483648\n"}, 2 << 30},
		{"the root has none", map[string]string{"proc/self/cgroup": "0::/\n"}, 0},
		{"cgroup v1 only", map[string]string{"proc/self/cgroup": "4:memory:/x\n1:cpu:/\n", "sys/fs/cgroup/x/memory.max": "1000"}, 0},
		{"no /proc", map[string]string{}, 0},
		{"nonsense", map[string]string{"proc/self/cgroup": "0::/a\n", "sys/fs/cgroup/a/memory.max": "-5\n"}, 0},
		{"a relative path", map[string]string{"proc/self/cgroup": "0::a\n", "sys/fs/cgroup/a/memory.max": "1000\n"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for p, s := range tc.files {
				fsys[p] = &fstest.MapFile{Data: []byte(s)}
			}
			if got := cgroupLimit(fsys); got != tc.want {
				t.Errorf("limit %d, want %d", got, tc.want)
			}
		})
	}
}
