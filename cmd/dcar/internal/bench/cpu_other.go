//go:build !unix

package bench

// cpuSeconds is unknown here: rows show 0 CPU seconds.
func cpuSeconds() float64 { return 0 }
