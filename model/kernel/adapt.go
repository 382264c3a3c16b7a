package kernel

// Kernels for a matrix that adapts online (e.g. a head trained while
// coding): int32 weights read against int16 activations, and a rank-one
// update. Both are exactly specified integer arithmetic.

// MatVecS32S16 computes y[i] = Sat32((Σ_j w[i*cols+j]·x[j]) >> shift) for
// i < rows: int32 weights times int16 inputs, summed exactly in int64
// (|products| < 2^46, so any cols below 2^17 cannot overflow), then an
// arithmetic (flooring) right shift by shift (0..63) and saturation to
// int32. It panics if a slice is too short.
func MatVecS32S16(y []int32, w []int32, x []int16, rows, cols int, shift uint) {
	if rows < 0 || cols < 0 || cols >= 1<<17 || shift > 63 {
		panic("kernel: MatVecS32S16 arguments out of range")
	}
	if len(y) < rows || len(x) < cols || (cols > 0 && len(w)/cols < rows) {
		panic("kernel: MatVecS32S16 slice too short")
	}
	if rows == 0 {
		return
	}
	matVecS32S16Impl(y[:rows], w[:rows*cols], x[:cols], rows, cols, shift)
}

// RankOneUpdateS32 sets w[i*cols+j] -= int32((g[i]·x[j] + 2^15) >> 16)
// for i < rows, j < cols: a gradient step g⊗x with 16 fractional bits,
// rounded half up (int64 arithmetic: |g·x| < 2^47; the subtraction and
// the conversion to int32 wrap modulo 2^32). Rows with g[i] = 0 are
// unchanged. It panics if a slice is too short.
func RankOneUpdateS32(w []int32, g []int32, x []int16, rows, cols int) {
	if rows < 0 || cols < 0 {
		panic("kernel: RankOneUpdateS32 negative dimension")
	}
	if len(g) < rows || len(x) < cols || (cols > 0 && len(w)/cols < rows) {
		panic("kernel: RankOneUpdateS32 slice too short")
	}
	if rows == 0 || cols == 0 {
		return
	}
	rankOneUpdateS32Impl(w[:rows*cols], g[:rows], x[:cols], rows, cols)
}
