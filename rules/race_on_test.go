//go:build race

package rules

// raceEnabled: timings under the race detector say nothing about the code.
const raceEnabled = true
