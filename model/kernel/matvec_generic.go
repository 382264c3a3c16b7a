package kernel

// Portable Go reference implementation of the int16 matrix-vector product.
// It defines the results; the assembly in matvec_amd64.s must match it bit for
// bit. Used on every architecture other than amd64, with -tags purego, and
// by the tests everywhere.

// matVecS16Generic is the reference int16 matrix-vector product.
func matVecS16Generic(y []int32, w []int16, x []int16, rows, cols int) {
	for i := 0; i < rows; i++ {
		y[i] = dotS16(w[i*cols:i*cols+cols], x)
	}
}

// dotS16 returns Σ w[j]·x[j] (int32, wrap-around) over len(w) <= len(x).
func dotS16(w []int16, x []int16) int32 {
	x = x[:len(w)]
	var s0, s1, s2, s3 int32
	j := 0
	for ; j+4 <= len(w); j += 4 {
		s0 += int32(w[j]) * int32(x[j])
		s1 += int32(w[j+1]) * int32(x[j+1])
		s2 += int32(w[j+2]) * int32(x[j+2])
		s3 += int32(w[j+3]) * int32(x[j+3])
	}
	for ; j < len(w); j++ {
		s0 += int32(w[j]) * int32(x[j])
	}
	return s0 + s1 + s2 + s3
}
