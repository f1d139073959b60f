//go:build !linux

package built

// physicalMemory is unknown here: the budget defaults to DefaultMaxBytes.
func physicalMemory() int64 { return 0 }
