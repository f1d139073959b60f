//go:build race

package main

// raceDetector reports whether the tests run under the race detector (on
// here): its shadow memory and slowness make the heavy tests lighter.
const raceDetector = true
