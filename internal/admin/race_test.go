//go:build race

package admin

// raceMemFactor scales memory bounds under the race detector, whose shadow
// memory triples the resident set.
const raceMemFactor = 4
