//go:build !race

package main

// raceDetector reports whether the tests run under the race detector (off
// here): its shadow memory and slowness make the heavy tests lighter.
const raceDetector = false
