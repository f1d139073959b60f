package built

import (
	"os"
	"syscall"
)

// physicalMemory is the memory this process may use in bytes: the
// machine's, or its cgroup v2 memory limit when that is lower; 0 when
// unknown.
func physicalMemory() int64 {
	var ram int64
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err == nil {
		ram = int64(si.Totalram) * int64(si.Unit)
	}
	if limit := cgroupLimit(os.DirFS("/")); limit > 0 && (ram == 0 || limit < ram) {
		return limit
	}
	return ram
}
