package kernel

import "syscall"

// processCPU returns the CPU time (user+system) used by this process so far
// in seconds, or -1 if unavailable.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
