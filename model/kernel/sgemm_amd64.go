//go:build !purego

package kernel

import "sync"

// Micro-kernels (sgemm_amd64.s): C[mr×nr] (+)= A·B over k >= 1 steps, with
// A(i,p) = a[i*ars+p*acs] broadcast, B row p = b[p*ldb : p*ldb+nr] loaded as
// vectors, C row i = c[i*ldc : i*ldc+nr]. Strides are in elements;
// accumulate != 0 adds to C. AVX-512: mr×nr = 8×32; AVX2+FMA: 4×16.
//
//go:noescape
func sgemmKernAVX512(a *float32, ars, acs int, b *float32, ldb, k int, c *float32, ldc int, accumulate int)

//go:noescape
func sgemmKernAVX2(a *float32, ars, acs int, b *float32, ldb, k int, c *float32, ldc int, accumulate int)

// transpose8Strip transposes blocks 8×8 blocks: for q < blocks, r, p < 8:
// dst[(8q+p)*ldd + r] = src[r*lds + 8q+p]. Strides in elements. AVX.
//
//go:noescape
func transpose8Strip(dst *float32, ldd int, src *float32, lds int, blocks int)

type sgemmKern func(a *float32, ars, acs int, b *float32, ldb, k int, c *float32, ldc int, accumulate int)

// sgemmScratch holds the packing buffers of one sgemm call.
type sgemmScratch struct {
	bpack []float32 // one B panel, k×nr
	apack []float32 // the m%mr tail rows of A, mr×k, zero padded
	tile  [8 * 32]float32
}

var sgemmPool = sync.Pool{New: func() any { return new(sgemmScratch) }}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

func sgemmAVX512(m, n, k int, a []float32, ars, acs int, b []float32, brs, bcs int, c []float32, ldc int, accumulate bool) {
	sgemmDriver(8, 32, sgemmKernAVX512, m, n, k, a, ars, acs, b, brs, bcs, c, ldc, accumulate)
}

func sgemmAVX2(m, n, k int, a []float32, ars, acs int, b []float32, brs, bcs int, c []float32, ldc int, accumulate bool) {
	sgemmDriver(4, 16, sgemmKernAVX2, m, n, k, a, ars, acs, b, brs, bcs, c, ldc, accumulate)
}

// sgemmDriver walks C in nr-column panels and mr-row tiles. B panels are
// used in place when their rows are contiguous and complete, else packed
// (transposed with AVX for the NT case) into a zero-padded k×nr buffer.
// The last m%mr rows of A are packed into a zero-padded mr-row block and
// their tile goes through a buffer, as does any partial column panel.
func sgemmDriver(mr, nr int, kern sgemmKern, m, n, k int, a []float32, ars, acs int, b []float32, brs, bcs int, c []float32, ldc int, accumulate bool) {
	if k == 0 {
		if !accumulate {
			for i := 0; i < m; i++ {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	acc := 0
	if accumulate {
		acc = 1
	}
	s := sgemmPool.Get().(*sgemmScratch)
	defer sgemmPool.Put(s)

	mFull := m - m%mr
	if mFull < m {
		s.apack = grow(s.apack, mr*k)
		clear(s.apack)
		for i := mFull; i < m; i++ {
			row := s.apack[(i-mFull)*k : (i-mFull)*k+k]
			for p := range row {
				row[p] = a[i*ars+p*acs]
			}
		}
	}
	tile := s.tile[:mr*nr]
	for j0 := 0; j0 < n; j0 += nr {
		cols := min(nr, n-j0)
		var bp *float32
		ldb := nr
		if bcs == 1 && cols == nr {
			bp, ldb = &b[j0], brs
		} else {
			s.bpack = grow(s.bpack, k*nr)
			packBPanel(s.bpack, b, brs, bcs, k, j0, cols, nr)
			bp = &s.bpack[0]
		}
		for i0 := 0; i0 < mFull; i0 += mr {
			if cols == nr {
				kern(&a[i0*ars], ars, acs, bp, ldb, k, &c[i0*ldc+j0], ldc, acc)
				continue
			}
			kern(&a[i0*ars], ars, acs, bp, ldb, k, &tile[0], nr, 0)
			storeTile(c[i0*ldc+j0:], ldc, tile, nr, mr, cols, accumulate)
		}
		if mFull < m {
			kern(&s.apack[0], k, 1, bp, ldb, k, &tile[0], nr, 0)
			storeTile(c[mFull*ldc+j0:], ldc, tile, nr, m-mFull, cols, accumulate)
		}
	}
}

// storeTile writes (or adds) rows×cols of tile (row stride nr) to c.
func storeTile(c []float32, ldc int, tile []float32, nr, rows, cols int, accumulate bool) {
	for i := 0; i < rows; i++ {
		dst := c[i*ldc : i*ldc+cols]
		src := tile[i*nr : i*nr+cols]
		if accumulate {
			for j, v := range src {
				dst[j] += v
			}
		} else {
			copy(dst, src)
		}
	}
}

// packBPanel fills dst (k×nr) with B(p, j0+jj) for jj < cols and zeros for
// cols <= jj < nr, where B(p,j) = b[p*brs+j*bcs].
func packBPanel(dst, b []float32, brs, bcs, k, j0, cols, nr int) {
	if cols < nr {
		clear(dst)
	}
	if bcs == 1 {
		for p := 0; p < k; p++ {
			copy(dst[p*nr:p*nr+cols], b[p*brs+j0:p*brs+j0+cols])
		}
		return
	}
	// brs == 1: column j of B is contiguous (row j of the NT operand).
	k8 := k &^ 7
	jj := 0
	if k8 > 0 {
		for ; jj+8 <= cols; jj += 8 {
			transpose8Strip(&dst[jj], nr, &b[(j0+jj)*bcs], bcs, k8/8)
		}
	}
	for ; jj < cols; jj++ {
		col := b[(j0+jj)*bcs : (j0+jj)*bcs+k8]
		for p, v := range col {
			dst[p*nr+jj] = v
		}
	}
	for p := k8; p < k; p++ {
		for jj := 0; jj < cols; jj++ {
			dst[p*nr+jj] = b[p+(j0+jj)*bcs]
		}
	}
}
