package kernel

// The hat kernels of the network's 256-way render (package model's
// renderQ and its adaptation): a predictor at p (Q4) with width 2^32/invH
// weighs value v by e(v) = 65536 - (|16v - p|·invH) >> 16 where that is
// positive. Reference in hat_generic.go, AVX-512 twins in hat_amd64.s.

// HatAdd adds (bk·e(v)) >> 16 to delta[i] for v = lo+i, i < len(delta),
// where e(v) > 0. The caller keeps |16v - p| below 2^15, invH at most
// 2^32 and |bk| at most 2^31, so every product is exact in int64.
func HatAdd(delta []int64, lo int, p, invH, bk int64) {
	ek.hatAdd(delta, lo, p, invH, bk)
}

// HatDot returns the sum over i < len(dz) of (dz[i]·e(lo+i)) >> 16 where
// e > 0 (|dz| at most 2^31).
func HatDot(dz []int64, lo int, p, invH int64) int64 {
	return ek.hatDot(dz, lo, p, invH)
}
