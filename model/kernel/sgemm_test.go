package kernel

import (
	"fmt"
	"math"
	"testing"
)

func (r *rng) fillF32(s []float32) {
	for i := range s {
		s[i] = float32(int64(r.next()>>11)-1<<52) / (1 << 52) // [-1, 1)
	}
}

// refGemm computes C(i,j) (+)= Σ_p A(i,p)·B(p,j) in float64 and returns the
// result and Σ|A||B| per element (for the error bound).
func refGemm(m, n, k int, a []float32, ars, acs int, b []float32, brs, bcs int, c []float32, ldc int, accumulate bool) (val, mag []float64) {
	val = make([]float64, m*n)
	mag = make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, sa float64
			if accumulate {
				s = float64(c[i*ldc+j])
				sa = math.Abs(s)
			}
			for p := 0; p < k; p++ {
				v := float64(a[i*ars+p*acs]) * float64(b[p*brs+j*bcs])
				s += v
				sa += math.Abs(v)
			}
			val[i*n+j] = s
			mag[i*n+j] = sa
		}
	}
	return val, mag
}

func checkF32(t *testing.T, what string, got []float32, ld, m, n, k int, val, mag []float64) bool {
	t.Helper()
	// float32 summation of k+1 terms: |err| <= (k+2)·2^-24·Σ|terms| (loose).
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			g := float64(got[i*ld+j])
			tol := float64(k+2)*0x1p-24*mag[i*n+j] + 1e-30
			if d := math.Abs(g - val[i*n+j]); d > tol || math.IsNaN(g) {
				t.Errorf("%s: [%d][%d] = %g, want %g (tol %g)", what, i, j, g, val[i*n+j], tol)
				return false
			}
		}
	}
	return true
}

func TestSgemm(t *testing.T) {
	r := rng(10)
	sizes := []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 64, 65, 100}
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			for it := 0; it < 300; it++ {
				m := sizes[r.intn(len(sizes))]
				n := sizes[r.intn(len(sizes))]
				k := sizes[r.intn(len(sizes))]
				if it%50 == 0 {
					k = 300 + r.intn(40)
				}
				form := it % 3
				accumulate := r.intn(2) == 1
				pad := r.intn(3) // extra row-stride padding
				var a, b []float32
				var ars, acs, brs, bcs int
				switch form {
				case 0: // NT: A m×k, B n×k
					ars, acs = k+pad, 1
					brs, bcs = 1, k+pad
					a = make([]float32, m*(k+pad))
					b = make([]float32, n*(k+pad))
				case 1: // NN: A m×k, B k×n
					ars, acs = k+pad, 1
					brs, bcs = n+pad, 1
					a = make([]float32, m*(k+pad))
					b = make([]float32, k*(n+pad))
				case 2: // TN: A k×m, B k×n
					ars, acs = 1, m+pad
					brs, bcs = n+pad, 1
					a = make([]float32, k*(m+pad))
					b = make([]float32, k*(n+pad))
				}
				r.fillF32(a)
				r.fillF32(b)
				ldc := n + pad
				c := make([]float32, m*ldc)
				r.fillF32(c)
				val, mag := refGemm(m, n, k, a, ars, acs, b, brs, bcs, c, ldc, accumulate)
				im.sgemm(m, n, k, a, ars, acs, b, brs, bcs, c, ldc, accumulate)
				if !checkF32(t, fmt.Sprintf("form=%d m=%d n=%d k=%d acc=%v", form, m, n, k, accumulate), c, ldc, m, n, k, val, mag) {
					return
				}
			}
		})
	}
}

// TestSgemmExported checks the three linear-layer products via the exported
// API under every implementation.
func TestSgemmExported(t *testing.T) {
	defer use(impls[0])
	r := rng(11)
	const batch, in, out = 9, 37, 45
	x := make([]float32, batch*in)
	w := make([]float32, out*in)
	dy := make([]float32, batch*out)
	r.fillF32(x)
	r.fillF32(w)
	r.fillF32(dy)
	for _, im := range impls {
		use(im)
		y := make([]float32, batch*out)
		SgemmNT(batch, out, in, x, in, w, in, y, out, false)
		val, mag := refGemm(batch, out, in, x, in, 1, w, 1, in, y, out, false)
		checkF32(t, im.name+" forward", y, out, batch, out, in, val, mag)

		dx := make([]float32, batch*in)
		SgemmNN(batch, in, out, dy, out, w, in, dx, in, false)
		val, mag = refGemm(batch, in, out, dy, out, 1, w, in, 1, dx, in, false)
		checkF32(t, im.name+" dX", dx, in, batch, in, out, val, mag)

		dw := make([]float32, out*in)
		r.fillF32(dw)
		val, mag = refGemm(out, in, batch, dy, 1, out, x, in, 1, dw, in, true)
		SgemmTN(out, in, batch, dy, out, x, in, dw, in, true)
		checkF32(t, im.name+" dW", dw, in, out, in, batch, val, mag)

		// k = 0: C is cleared (or left alone when accumulating).
		c := []float32{1, 2}
		SgemmNN(1, 2, 0, nil, 0, nil, 2, c, 2, false)
		if c[0] != 0 || c[1] != 0 {
			t.Errorf("%s: k=0 did not clear C: %v", im.name, c)
		}
	}
}
