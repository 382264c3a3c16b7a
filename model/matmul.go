package model

// MatMul is the seam for float32 GEMM kernels (package kernel's asm SGEMM
// can be plugged in here). All matrices are dense row-major. If acc is false
// C is overwritten, otherwise the product is added to C.
type MatMul interface {
	// NT: C[m×n] (+)= A[m×k] · B[n×k]ᵀ
	NT(c, a, b []float32, m, n, k int, acc bool)
	// NN: C[m×n] (+)= A[m×k] · B[k×n]
	NN(c, a, b []float32, m, n, k int, acc bool)
	// TN: C[m×n] (+)= A[k×m]ᵀ · B[k×n]
	TN(c, a, b []float32, m, n, k int, acc bool)
}

// NaiveMatMul is the obviously-correct reference (float64 accumulation).
type NaiveMatMul struct{}

func (NaiveMatMul) NT(c, a, b []float32, m, n, k int, acc bool) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				s += float64(a[i*k+p]) * float64(b[j*k+p])
			}
			if acc {
				s += float64(c[i*n+j])
			}
			c[i*n+j] = float32(s)
		}
	}
}

func (NaiveMatMul) NN(c, a, b []float32, m, n, k int, acc bool) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				s += float64(a[i*k+p]) * float64(b[p*n+j])
			}
			if acc {
				s += float64(c[i*n+j])
			}
			c[i*n+j] = float32(s)
		}
	}
}

func (NaiveMatMul) TN(c, a, b []float32, m, n, k int, acc bool) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				s += float64(a[p*m+i]) * float64(b[p*n+j])
			}
			if acc {
				s += float64(c[i*n+j])
			}
			c[i*n+j] = float32(s)
		}
	}
}

// GoMatMul is a pure-Go blocked GEMM: every product is reduced to the NT form
// (contiguous dot products) after transposing into a scratch buffer, then
// computed with a 2×4 register tile. Not safe for concurrent use (scratch);
// give each goroutine its own.
type GoMatMul struct {
	ta, tb []float32
}

func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}

// transpose writes src[r×c] transposed into dst[c×r].
func transpose(dst, src []float32, r, c int) {
	const bs = 32
	for i0 := 0; i0 < r; i0 += bs {
		i1 := min(i0+bs, r)
		for j0 := 0; j0 < c; j0 += bs {
			j1 := min(j0+bs, c)
			for i := i0; i < i1; i++ {
				row := src[i*c : i*c+c]
				for j := j0; j < j1; j++ {
					dst[j*r+i] = row[j]
				}
			}
		}
	}
}

func (g *GoMatMul) NN(c, a, b []float32, m, n, k int, acc bool) {
	g.tb = grow(g.tb, n*k)
	transpose(g.tb, b, k, n)
	gemmNT(c, a, g.tb, m, n, k, acc)
}

func (g *GoMatMul) TN(c, a, b []float32, m, n, k int, acc bool) {
	g.ta = grow(g.ta, m*k)
	g.tb = grow(g.tb, n*k)
	transpose(g.ta, a, k, m)
	transpose(g.tb, b, k, n)
	gemmNT(c, g.ta, g.tb, m, n, k, acc)
}

func (g *GoMatMul) NT(c, a, b []float32, m, n, k int, acc bool) {
	gemmNT(c, a, b, m, n, k, acc)
}

// gemmNT computes C[m×n] (+)= A[m×k]·B[n×k]ᵀ with a 2×4 tile of accumulators.
func gemmNT(c, a, b []float32, m, n, k int, acc bool) {
	if m == 0 || n == 0 {
		return
	}
	i := 0
	for ; i+2 <= m; i += 2 {
		a0 := a[i*k : i*k+k]
		a1 := a[(i+1)*k : (i+1)*k+k]
		c0 := c[i*n : i*n+n]
		c1 := c[(i+1)*n : (i+1)*n+n]
		j := 0
		for ; j+4 <= n; j += 4 {
			b0 := b[j*k : j*k+k]
			b1 := b[(j+1)*k : (j+1)*k+k]
			b2 := b[(j+2)*k : (j+2)*k+k]
			b3 := b[(j+3)*k : (j+3)*k+k]
			var s00, s01, s02, s03, s10, s11, s12, s13 float32
			for p := range a0 {
				x0, x1 := a0[p], a1[p]
				y0, y1, y2, y3 := b0[p], b1[p], b2[p], b3[p]
				s00 += x0 * y0
				s01 += x0 * y1
				s02 += x0 * y2
				s03 += x0 * y3
				s10 += x1 * y0
				s11 += x1 * y1
				s12 += x1 * y2
				s13 += x1 * y3
			}
			if acc {
				c0[j] += s00
				c0[j+1] += s01
				c0[j+2] += s02
				c0[j+3] += s03
				c1[j] += s10
				c1[j+1] += s11
				c1[j+2] += s12
				c1[j+3] += s13
			} else {
				c0[j], c0[j+1], c0[j+2], c0[j+3] = s00, s01, s02, s03
				c1[j], c1[j+1], c1[j+2], c1[j+3] = s10, s11, s12, s13
			}
		}
		for ; j < n; j++ {
			bj := b[j*k : j*k+k]
			var s0, s1 float32
			for p := range a0 {
				s0 += a0[p] * bj[p]
				s1 += a1[p] * bj[p]
			}
			if acc {
				c0[j] += s0
				c1[j] += s1
			} else {
				c0[j], c1[j] = s0, s1
			}
		}
	}
	for ; i < m; i++ {
		ai := a[i*k : i*k+k]
		ci := c[i*n : i*n+n]
		for j := 0; j < n; j++ {
			bj := b[j*k : j*k+k]
			var s float32
			for p := range ai {
				s += ai[p] * bj[p]
			}
			if acc {
				ci[j] += s
			} else {
				ci[j] = s
			}
		}
	}
}
