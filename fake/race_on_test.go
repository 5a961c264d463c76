//go:build race

package fake_test

// raceEnabled: the race detector slows everything ~5-10x.
const raceEnabled = true
