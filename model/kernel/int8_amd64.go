//go:build !purego

package kernel

// Assembly kernels (int8_amd64.s). Pointers must be valid for the lengths
// implied by the other arguments; the Go wrappers below guarantee that.

// y[0:rows] = W·x for a row-major rows×cols int8 W (row stride cols bytes).
// Any rows and cols >= 1; column tails use masked loads.
//
//go:noescape
func matVecU8S8VNNIAsm(y *int32, w *int8, x *uint8, rows, cols int)

// y[0:rows] = W[:, 0:n]·x[0:n] with row stride stride bytes; n%32 == 0.
//
//go:noescape
func matVecU8S8AVX2Asm(y *int32, w *int8, x *uint8, rows, stride, n int)

// int16 versions: strides and lengths are in elements. The VNNI one handles
// any cols; the AVX2 one needs n%16 == 0.
//
//go:noescape
func matVecS16VNNIAsm(y *int32, w *int16, x *int16, rows, cols int)

//go:noescape
func matVecS16AVX2Asm(y *int32, w *int16, x *int16, rows, stride, n int)

// gemmPanelVNNI computes one 32-column panel for all rows:
// y[b*ldy+c] = Σ_k x[b*ldx+k]·W[c][k] for b < rows and the columns c < 32
// whose bit is set in colMask. w points to the panel (groups×128 bytes);
// full is the number of complete 4-byte k-groups, tailMask = (1<<(K%4))-1
// selects the bytes of the last, partial group (0 if none). ldx and ldy are
// in elements.
//
//go:noescape
func gemmPanelVNNI(x *uint8, ldx, rows int, w *int8, full int, tailMask uint64, y *int32, ldy int, colMask uint64)

// gemmPanelAVX2 computes all 32 columns of one panel for all rows (the
// caller provides room for 32 columns per row); tail = K%4.
//
//go:noescape
func gemmPanelAVX2(x *uint8, ldx, rows int, w *int8, full, tail int, y *int32, ldy int)

func matVecU8S8VNNI(y []int32, w []int8, x []uint8, rows, cols int) {
	if cols == 0 {
		clear(y[:rows])
		return
	}
	matVecU8S8VNNIAsm(&y[0], &w[0], &x[0], rows, cols)
}

func matVecU8S8AVX2(y []int32, w []int8, x []uint8, rows, cols int) {
	n := cols &^ 31
	if n == 0 {
		matVecU8S8Generic(y, w, x, rows, cols)
		return
	}
	matVecU8S8AVX2Asm(&y[0], &w[0], &x[0], rows, cols, n)
	if n < cols {
		for i := 0; i < rows; i++ {
			y[i] += dotU8S8(w[i*cols+n:i*cols+cols], x[n:])
		}
	}
}

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

func gemmU8S8VNNI(y []int32, x []uint8, batch int, p *PackedInt8) {
	n, k := p.n, p.k
	if k == 0 {
		clear(y)
		return
	}
	full := k / groupK
	tailMask := uint64(1)<<(k%groupK) - 1
	for j := 0; j < p.panels; j++ {
		cols := min(panelCols, n-j*panelCols)
		colMask := uint64(1)<<cols - 1
		gemmPanelVNNI(&x[0], k, batch, &p.panel(j)[0], full, tailMask, &y[j*panelCols], n, colMask)
	}
}

func gemmU8S8AVX2(y []int32, x []uint8, batch int, p *PackedInt8) {
	n, k := p.n, p.k
	if k == 0 {
		clear(y)
		return
	}
	full, tail := k/groupK, k%groupK
	for j := 0; j < p.panels; j++ {
		pw := &p.panel(j)[0]
		cols := n - j*panelCols
		if cols >= panelCols {
			gemmPanelAVX2(&x[0], k, batch, pw, full, tail, &y[j*panelCols], n)
			continue
		}
		// Partial last panel: compute 32 columns into a buffer, keep cols.
		var buf [panelCols]int32
		for b := 0; b < batch; b++ {
			gemmPanelAVX2(&x[b*k], k, 1, pw, full, tail, &buf[0], panelCols)
			copy(y[b*n+j*panelCols:b*n+n], buf[:cols])
		}
	}
}
