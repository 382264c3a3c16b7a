//go:build race

package archive

// raceSlowdown is how much slower the race detector makes the codecs:
// the fuzz watchdog allows that much more time per input.
const raceSlowdown = 20
