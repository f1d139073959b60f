//go:build !race

package admin

// raceMemFactor scales memory bounds under the race detector (off here).
const raceMemFactor = 1
