//go:build !amd64 || purego

package bitcm

// Without the AVX2 kernels (other architectures, or -tags purego) the
// bank runs the reference Go code.

func bankDot(x, w0, w1, w2, w3 []int32) [4]int64 { return bankDotGo(x, w0, w1, w2, w3) }

func bankTrain(x, w0, w1, w2, w3 []int32, e [4]int32) { bankTrainGo(x, w0, w1, w2, w3, e) }

func hasBankKernels() bool { return false }

func mixDot(x, w []int32) int64 { return mixDotGo(x, w) }

func mixTrain(x, w []int32, e int32) { mixTrainGo(x, w, e) }
