package main

import "syscall"

// runtimeStats reports the process's peak memory.
type runtimeStats struct{ maxRSSMiB int64 }

func (r *runtimeStats) read() {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		r.maxRSSMiB = ru.Maxrss / 1024 // kilobytes on Linux
	}
}
