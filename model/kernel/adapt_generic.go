package kernel

// Portable Go reference implementations of the adaptive-head kernels. They
// define the results; the assembly in adapt_amd64.s must match them bit for
// bit. Used on every architecture other than amd64, with -tags purego, by
// the avx2 implementation, and by the tests everywhere.

func matVecS32S16Generic(y []int32, w []int32, x []int16, rows, cols int, shift uint) {
	for i := 0; i < rows; i++ {
		row := w[i*cols : (i+1)*cols]
		var a int64
		for j, v := range row {
			a += int64(v) * int64(x[j])
		}
		y[i] = SatInt32(a >> shift)
	}
}

func rankOneUpdateS32Generic(w []int32, g []int32, x []int16, rows, cols int) {
	for i := 0; i < rows; i++ {
		gi := int64(g[i])
		if gi == 0 {
			continue
		}
		row := w[i*cols : (i+1)*cols]
		for j := range row {
			row[j] -= int32((gi*int64(x[j]) + 1<<15) >> 16)
		}
	}
}
