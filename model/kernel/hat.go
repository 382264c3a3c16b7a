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

// GridInterp interpolates a piecewise-linear function on a grid of cells
// (the render's relative bins): for i < len(delta), with a = acc +
// i·step, q = clamp(a >> 23 + rj·2^16, 0, 2·rj·2^16), cell c = q >> 16
// and position f = q & 0xffff: cell[i] = c, frac[i] = f and delta[i] =
// o[c] + ((o[c+1] - o[c])·f) >> 16. o must hold 2·rj + 2 values (rj <
// 128); cell and frac at least len(delta).
func GridInterp(delta []int64, cell []uint8, frac []int32, o []int32, acc, step, rj int64) {
	n := len(delta)
	_ = o[2*rj+1]
	ek.grid(delta, cell[:n], frac[:n], o, acc, step, rj)
}
