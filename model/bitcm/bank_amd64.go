//go:build !purego

package bitcm

import "golang.org/x/sys/cpu"

// hasAVX2 reports whether the CPU and OS support the AVX2 bank kernels
// (x/sys/cpu checks that the OS saves the YMM state).
var hasAVX2 = cpu.X86.HasAVX2

// bankDotAVX2 and bankTrainAVX2 (bank_amd64.s) compute exactly what
// bankDotGo and bankTrainGo (bank_generic.go) do, for n a positive multiple of 8: the same
// int64 products and sums, the same wrapping int32 steps, shifts and
// clamps.
//
//go:noescape
func bankDotAVX2(x, w0, w1, w2, w3 *int32, n int, out *[4]int64)

//go:noescape
func bankTrainAVX2(x, w0, w1, w2, w3 *int32, n int, e *[4]int32)

func bankDot(x, w0, w1, w2, w3 []int32) [4]int64 {
	n := len(x)
	if !hasAVX2 || n == 0 || n%bankLanes != 0 {
		return bankDotGo(x, w0, w1, w2, w3)
	}
	_, _, _, _ = w0[n-1], w1[n-1], w2[n-1], w3[n-1]
	var s [4]int64
	bankDotAVX2(&x[0], &w0[0], &w1[0], &w2[0], &w3[0], n, &s)
	return s
}

func bankTrain(x, w0, w1, w2, w3 []int32, e [4]int32) {
	n := len(x)
	if !hasAVX2 || n == 0 || n%bankLanes != 0 {
		bankTrainGo(x, w0, w1, w2, w3, e)
		return
	}
	_, _, _, _ = w0[n-1], w1[n-1], w2[n-1], w3[n-1]
	bankTrainAVX2(&x[0], &w0[0], &w1[0], &w2[0], &w3[0], n, &e)
}

func hasBankKernels() bool { return hasAVX2 }

//go:noescape
func mixDotAVX2(x, w *int32, n int) int64

//go:noescape
func mixTrainAVX2(x, w *int32, n int, e int32)

func mixDot(x, w []int32) int64 {
	n := len(x)
	if !hasAVX2 || n == 0 || n%bankLanes != 0 {
		return mixDotGo(x, w)
	}
	_ = w[n-1]
	return mixDotAVX2(&x[0], &w[0], n)
}

func mixTrain(x, w []int32, e int32) {
	n := len(x)
	if !hasAVX2 || n == 0 || n%bankLanes != 0 {
		mixTrainGo(x, w, e)
		return
	}
	_ = w[n-1]
	mixTrainAVX2(&x[0], &w[0], n, e)
}
