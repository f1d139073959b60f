//go:build !linux

package loadgen

import "context"

// runLoop: the one-goroutine client loop is Linux-only.
func runLoop(context.Context, Config, int, *recorder) bool { return false }
