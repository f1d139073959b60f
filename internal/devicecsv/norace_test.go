//go:build !race

package devicecsv

// raceMemFactor scales memory bounds under the race detector (off here).
const raceMemFactor = 1
