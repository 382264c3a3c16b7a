package kernel

// Portable Go float32 kernels (accurate, not bit-exact with the assembly).

// sgemmGeneric is the portable float32 GEMM. When the rows of B are
// contiguous (bcs == 1) it updates four rows of C per pass over a row of B
// (AXPY form); otherwise (brs == 1, the NT case) it takes dot products with
// the contiguous columns of B.
func sgemmGeneric(m, n, k int, a []float32, ars, acs int, b []float32, brs, bcs int, c []float32, ldc int, accumulate bool) {
	if !accumulate {
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
	}
	if bcs == 1 {
		i := 0
		for ; i+4 <= m; i += 4 {
			c0 := c[i*ldc : i*ldc+n]
			c1 := c[(i+1)*ldc : (i+1)*ldc+n]
			c2 := c[(i+2)*ldc : (i+2)*ldc+n]
			c3 := c[(i+3)*ldc : (i+3)*ldc+n]
			for p := 0; p < k; p++ {
				a0, a1 := a[i*ars+p*acs], a[(i+1)*ars+p*acs]
				a2, a3 := a[(i+2)*ars+p*acs], a[(i+3)*ars+p*acs]
				brow := b[p*brs : p*brs+n]
				c0, c1, c2, c3 := c0[:len(brow)], c1[:len(brow)], c2[:len(brow)], c3[:len(brow)]
				for j, bv := range brow {
					c0[j] += a0 * bv
					c1[j] += a1 * bv
					c2[j] += a2 * bv
					c3[j] += a3 * bv
				}
			}
		}
		for ; i < m; i++ {
			crow := c[i*ldc : i*ldc+n]
			for p := 0; p < k; p++ {
				av := a[i*ars+p*acs]
				brow := b[p*brs : p*brs+n]
				crow := crow[:len(brow)]
				for j, bv := range brow {
					crow[j] += av * bv
				}
			}
		}
		return
	}
	for i := 0; i < m; i++ {
		crow := c[i*ldc : i*ldc+n]
		if acs == 1 {
			arow := a[i*ars : i*ars+k]
			for j := range crow {
				crow[j] += dotF32(arow, b[j*bcs:j*bcs+k])
			}
			continue
		}
		for j := range crow {
			col := b[j*bcs : j*bcs+k]
			var s float32
			for p, bv := range col {
				s += a[i*ars+p*acs] * bv
			}
			crow[j] += s
		}
	}
}

// dotF32 returns Σ a[j]·b[j] over len(a) <= len(b), with 4 accumulators.
func dotF32(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	j := 0
	for ; j+4 <= len(a); j += 4 {
		s0 += a[j] * b[j]
		s1 += a[j+1] * b[j+1]
		s2 += a[j+2] * b[j+2]
		s3 += a[j+3] * b[j+3]
	}
	for ; j < len(a); j++ {
		s0 += a[j] * b[j]
	}
	return (s0 + s1) + (s2 + s3)
}
