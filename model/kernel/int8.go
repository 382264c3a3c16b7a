package kernel

// Integer matrix-vector and matrix-matrix products. All sums are int32 with
// two's-complement wrap-around (arithmetic modulo 2^32). Because addition
// modulo 2^32 is associative and commutative, every summation order gives the
// same bits, so the SIMD kernels and the Go reference agree exactly; no input
// can make them differ.

const (
	panelCols  = 32                 // output columns per packed panel
	groupK     = 4                  // k values per packed group (one VPDPBUSD dword)
	panelGroup = panelCols * groupK // bytes per k-group of a panel
)

// MatVecU8S8 computes y[i] = Σ_j w[i*cols+j]·x[j] for i < rows: a row-major
// rows×cols int8 matrix times a uint8 vector, accumulated in int32 with
// wrap-around. It panics if a slice is too short.
func MatVecU8S8(y []int32, w []int8, x []uint8, rows, cols int) {
	checkMatVec(len(y), len(w), len(x), rows, cols)
	if rows == 0 {
		return
	}
	matVecU8S8Impl(y[:rows], w[:rows*cols], x[:cols], rows, cols)
}

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

// PackedInt8 is an N×K int8 weight matrix W (row n = output n) rearranged
// for GemmU8S8: panels of 32 output rows, each stored as ceil(K/4) groups of
// 32×4 bytes, group g holding W[n][4g..4g+3] for the 32 rows n of the panel.
// Rows and columns beyond N and K are zero. Pack once at model load.
type PackedInt8 struct {
	n, k    int
	groups  int    // ceil(k/4)
	panels  int    // ceil(n/32)
	data    []int8 // panels × groups × 32 × 4
	rowSums []int32
}

// PackInt8 packs the row-major N×K matrix w (w[n*k+j] = W[n][j]).
func PackInt8(w []int8, n, k int) *PackedInt8 {
	if n < 0 || k < 0 {
		panic("kernel: negative matrix dimension")
	}
	if k > 0 && len(w)/k < n {
		panic("kernel: PackInt8 slice too short")
	}
	groups := (k + groupK - 1) / groupK
	panels := (n + panelCols - 1) / panelCols
	p := &PackedInt8{
		n: n, k: k, groups: groups, panels: panels,
		data:    make([]int8, panels*groups*panelGroup),
		rowSums: make([]int32, n),
	}
	for r := 0; r < n; r++ {
		base := (r/panelCols)*groups*panelGroup + (r%panelCols)*groupK
		row := w[r*k : r*k+k]
		var s int32
		for j, v := range row {
			p.data[base+(j/groupK)*panelGroup+j%groupK] = v
			s += int32(v)
		}
		p.rowSums[r] = s
	}
	return p
}

// Dims returns N (output rows) and K (inputs) of the packed matrix.
func (p *PackedInt8) Dims() (n, k int) { return p.n, p.k }

// At returns W[n][k].
func (p *PackedInt8) At(n, k int) int8 {
	if uint(n) >= uint(p.n) || uint(k) >= uint(p.k) {
		panic("kernel: PackedInt8.At index out of range")
	}
	return p.data[(n/panelCols)*p.groups*panelGroup+(k/groupK)*panelGroup+(n%panelCols)*groupK+k%groupK]
}

// RowSums returns Σ_k W[n][k] for every n (int32), e.g. to correct for an
// input zero point z: Σ_k W[n][k]·(x[k]-z) = Y[n] - z·RowSums()[n].
// The returned slice must not be modified.
func (p *PackedInt8) RowSums() []int32 { return p.rowSums }

// panel returns the packed bytes of output panel j.
func (p *PackedInt8) panel(j int) []int8 {
	sz := p.groups * panelGroup
	return p.data[j*sz : (j+1)*sz]
}

// GemmU8S8 computes Y[b][n] = Σ_k X[b][k]·W[n][k] for b < batch and n < N,
// where x is the row-major batch×K uint8 matrix of inputs (one independent
// stream per row), W is the packed int8 matrix and y the row-major batch×N
// int32 result, accumulated with wrap-around. Batch 1 is a matrix-vector
// product on the packed layout. It panics if a slice is too short.
func GemmU8S8(y []int32, x []uint8, batch int, p *PackedInt8) {
	if batch < 0 {
		panic("kernel: negative batch")
	}
	if len(y) < batch*p.n || len(x) < batch*p.k {
		panic("kernel: GemmU8S8 slice too short")
	}
	if batch == 0 || p.n == 0 {
		return
	}
	gemmU8S8Impl(y[:batch*p.n], x[:batch*p.k], batch, p)
}
