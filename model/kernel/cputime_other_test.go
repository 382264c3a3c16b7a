//go:build !linux

package kernel

func processCPU() float64 { return -1 }
