package kernel

// Float32 kernels for training. These are accurate (float32 products summed
// in float32; the SIMD paths use FMA and a different summation order) but NOT
// bit-exact across implementations or architectures: never feed their results
// to the arithmetic coder.
//
// For a linear layer Y = X·Wᵀ with X batch×in, W out×in, Y batch×out:
//
//	forward:       SgemmNT(batch, out, in, X, in, W, in, Y, out, false)
//	input grad:    SgemmNN(batch, in, out, dY, out, W, in, dX, in, false)
//	weight grad:   SgemmTN(out, in, batch, dY, out, X, in, dW, in, true)

// SgemmNT computes C = A·Bᵀ, or C += A·Bᵀ if accumulate:
// C[i][j] (+)= Σ_p A[i][p]·B[j][p] for i < m, j < n, with A m×k (row
// stride lda), B n×k (row stride ldb), C m×n (row stride ldc), all row-major.
func SgemmNT(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, accumulate bool) {
	checkGemm(m, k, lda, len(a))
	checkGemm(n, k, ldb, len(b))
	checkGemm(m, n, ldc, len(c))
	if m == 0 || n == 0 {
		return
	}
	sgemmImpl(m, n, k, a, lda, 1, b, 1, ldb, c, ldc, accumulate)
}

// SgemmNN computes C (+)= A·B: C[i][j] (+)= Σ_p A[i][p]·B[p][j], with A m×k
// (row stride lda), B k×n (row stride ldb), C m×n (row stride ldc).
func SgemmNN(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, accumulate bool) {
	checkGemm(m, k, lda, len(a))
	checkGemm(k, n, ldb, len(b))
	checkGemm(m, n, ldc, len(c))
	if m == 0 || n == 0 {
		return
	}
	sgemmImpl(m, n, k, a, lda, 1, b, ldb, 1, c, ldc, accumulate)
}

// SgemmTN computes C (+)= Aᵀ·B: C[i][j] (+)= Σ_p A[p][i]·B[p][j], with A k×m
// (row stride lda), B k×n (row stride ldb), C m×n (row stride ldc).
func SgemmTN(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, accumulate bool) {
	checkGemm(k, m, lda, len(a))
	checkGemm(k, n, ldb, len(b))
	checkGemm(m, n, ldc, len(c))
	if m == 0 || n == 0 {
		return
	}
	sgemmImpl(m, n, k, a, 1, lda, b, ldb, 1, c, ldc, accumulate)
}

// checkGemm panics unless a rows×cols matrix with row stride ld fits in l
// elements.
func checkGemm(rows, cols, ld, l int) {
	if rows < 0 || cols < 0 {
		panic("kernel: negative matrix dimension")
	}
	if ld < cols && rows > 1 {
		panic("kernel: row stride smaller than row length")
	}
	if rows > 0 && cols > 0 && (rows-1)*ld+cols > l {
		panic("kernel: matrix slice too short")
	}
}
