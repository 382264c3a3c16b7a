package kernel

// Integer matrix-vector product. The sum is int32 with two's-complement
// wrap-around (arithmetic modulo 2^32). Because addition modulo 2^32 is
// associative and commutative, every summation order gives the same bits, so
// the SIMD kernels and the Go reference agree exactly; no input can make them
// differ.

// MatVecS16 computes y[i] = Σ_j w[i*cols+j]·x[j] for i < rows with int16
// weights and inputs, accumulated in int32 with wrap-around (each product is
// exact; only the sum can wrap). It panics if a slice is too short.
func MatVecS16(y []int32, w []int16, x []int16, rows, cols int) {
	checkMatVec(len(y), len(w), len(x), rows, cols)
	if rows == 0 {
		return
	}
	matVecS16Impl(y[:rows], w[:rows*cols], x[:cols], rows, cols)
}

func checkMatVec(ny, nw, nx, rows, cols int) {
	if rows < 0 || cols < 0 {
		panic("kernel: negative matrix dimension")
	}
	if ny < rows || nx < cols || (cols > 0 && nw/cols < rows) {
		panic("kernel: matrix-vector slice too short")
	}
}
