//go:build race

package sync

// raceEnabled shortens the slowest property test under the race detector.
const raceEnabled = true
