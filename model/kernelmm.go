package model

import "github.com/dcar-archiver/dcar/kernel"

// KernelMatMul adapts package kernel's SIMD float32 SGEMM (AVX2/AVX-512 with
// FMA where available) to MatMul. Its results are accurate but not bit-exact
// across machines: fine for training, never for coding.
type KernelMatMul struct{}

func (KernelMatMul) NT(c, a, b []float32, m, n, k int, acc bool) {
	kernel.SgemmNT(m, n, k, a, k, b, k, c, n, acc)
}

func (KernelMatMul) NN(c, a, b []float32, m, n, k int, acc bool) {
	kernel.SgemmNN(m, n, k, a, k, b, n, c, n, acc)
}

func (KernelMatMul) TN(c, a, b []float32, m, n, k int, acc bool) {
	kernel.SgemmTN(m, n, k, a, m, b, n, c, n, acc)
}
