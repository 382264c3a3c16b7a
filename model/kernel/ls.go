package kernel

// LSUpdate is the rank-one update of imgctx's least-squares predictor
// with forgetting (n <= 16 inputs): with xs[j] = int64(x[j]) << sh, for
// j < n and j <= k < n
//
//	a[j][k] = a[j][k] - a[j][k]>>dec + xs[j]·x[k]
//	b[j]    = b[j] - b[j]>>dec + xs[j]·t
//
// in int64 arithmetic, wrapping as Go's (>> the arithmetic shift, by
// dec; shifts of 64 or more as Go's). Nothing else of a is written.
// Reference in ls_generic.go, AVX-512 twin in ls_amd64.s.
func LSUpdate(a *[16][16]int64, b *[16]int64, x *[16]int32, t int32, n int, dec, sh uint) {
	if n < 0 || n > 16 {
		panic("kernel: LSUpdate with more than 16 inputs")
	}
	lsUpdateImpl(a, b, x, t, n, dec, sh)
}
