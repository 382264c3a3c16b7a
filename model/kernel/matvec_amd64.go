//go:build !purego

package kernel

// Assembly kernels (matvec_amd64.s). Pointers must be valid for the lengths
// implied by the other arguments; the Go wrappers below guarantee that.

// y[0:rows] = W·x for a row-major rows×cols int16 W; strides and lengths are
// in elements. The VNNI one handles any cols; the AVX2 one computes
// W[:, 0:n]·x[0:n] with row stride stride and needs n%16 == 0.
//
//go:noescape
func matVecS16VNNIAsm(y *int32, w *int16, x *int16, rows, cols int)

//go:noescape
func matVecS16AVX2Asm(y *int32, w *int16, x *int16, rows, stride, n int)

func matVecS16VNNI(y []int32, w []int16, x []int16, rows, cols int) {
	if cols == 0 {
		clear(y[:rows])
		return
	}
	matVecS16VNNIAsm(&y[0], &w[0], &x[0], rows, cols)
}

func matVecS16AVX2(y []int32, w []int16, x []int16, rows, cols int) {
	n := cols &^ 15
	if n == 0 {
		matVecS16Generic(y, w, x, rows, cols)
		return
	}
	matVecS16AVX2Asm(&y[0], &w[0], &x[0], rows, cols, n)
	if n < cols {
		for i := 0; i < rows; i++ {
			y[i] += dotS16(w[i*cols+n:i*cols+cols], x[n:])
		}
	}
}
