//go:build race

package classifier

// The race detector makes every atomic load slow; property tests run fewer
// rounds under it.
const raceEnabled = true
