package imgctx

import "github.com/dcar-archiver/dcar/model/kernel"

// MaxLSInputs is the largest number of inputs of the least-squares
// predictor.
const MaxLSInputs = 16

// Fixed-point formats of the least-squares predictor (see doc.go):
//
//   - inputs x_j and target t are integers (sample differences, |x| <= 255);
//   - A (covariance) and b (cross-correlation) are int64 sums of
//     x_j*x_k << lsAccShift with exponential forgetting
//     A -= A >> lsDecay before each update (arithmetic shift);
//   - the LDL^T factor keeps L in Q16 and D, V = L*D in A units;
//   - the weights are Q16.
const (
	lsAccShift = 4
	lsWBits    = 16
	lsWMax     = 16 << lsWBits // |w| <= 16
)

// lsState is an online least-squares predictor solved by a fixed-point
// LDL^T factorisation. All arithmetic is int64 with arithmetic shifts
// (floor) and truncating division; a non-positive pivot aborts the solve
// and keeps the previous weights. Overflow cannot occur for inputs within
// +-255 and decay <= 12 (A < 2^(16+4+12+1)), and even if it did, Go's
// wrapping int64 arithmetic would stay deterministic.
type lsState struct {
	n     int
	decay uint
	reg   int64
	a     [MaxLSInputs][MaxLSInputs]int64 // upper triangle used (a[j][k], j <= k)
	b     [MaxLSInputs]int64
	w     [MaxLSInputs]int64 // Q16 weights

	// scratch for the solve; only the entries below the diagonal of l
	// and v are ever written, so l[i][k] = v[i][k] = 0 for k >= i.
	l [MaxLSInputs][MaxLSInputs]int64 // Q16, l[i][k] for k < i
	v [MaxLSInputs][MaxLSInputs]int64 // A units, v[i][k] = l[i][k]*d[k]
	d [MaxLSInputs]int64
	z [MaxLSInputs]int64
}

func (s *lsState) init(n int, decay uint, reg int64) {
	*s = lsState{n: n, decay: decay, reg: reg}
}

// predict returns sum_j w_j x_j in Q16.
func (s *lsState) predict(x *[MaxLSInputs]int32) int64 {
	var acc int64
	for j := 0; j < s.n; j++ {
		acc += s.w[j] * int64(x[j])
	}
	return acc
}

// update adds the observation (x, t) with forgetting: for j <= k,
// A[j][k] -= A[j][k] >> decay, then += (x_j << lsAccShift)·x_k; b alike
// with t (kernel.LSUpdate).
func (s *lsState) update(x *[MaxLSInputs]int32, t int32) {
	kernel.LSUpdate(&s.a, &s.b, x, t, s.n, s.decay, lsAccShift)
}

// solve recomputes the weights from A + reg*I and b. Its weights are
// those of solveRef, the plain loops, bit for bit; it differs in ways
// that do not change any value, int64 sums wrapping so that their order
// does not matter: the sums over k run in blocks of 4 with four partial
// sums, up to the next multiple of 4, the extra terms being zero (the
// entries of l and v on and above the diagonal, never written); the
// column sums go two rows at a time; the backward sums are accumulated
// row by row as each w_i is known. Go's division stays:
// a reciprocal per pivot (a 64x64->128 multiply and a correction per
// quotient) was slower on the AMD Zen 5 of the measurements, whose
// 64-bit divide is fast.
func (s *lsState) solve() {
	n := s.n
	for j := 0; j < n; j++ {
		// D_j = A_jj + reg - sum_k L_jk * V_jk
		vj := &s.v[j]
		nb := (j + 3) &^ 3
		dj := s.a[j][j] + s.reg - dot4(&s.l[j], vj, 0, nb)>>lsWBits
		if dj <= 0 {
			return // keep the previous weights
		}
		s.d[j] = dj
		aj := &s.a[j]
		i := j + 1
		for ; i+1 < n; i += 2 {
			// Two rows at a time: vj's blocks loaded once.
			la, lb := &s.l[i], &s.l[i+1]
			var a0, a1, b0, b1 int64
			for k := 0; k < nb; k += 4 {
				x, y, z := la[k:k+4:k+4], lb[k:k+4:k+4], vj[k:k+4:k+4]
				a0 += x[0]*z[0] + x[2]*z[2]
				a1 += x[1]*z[1] + x[3]*z[3]
				b0 += y[0]*z[0] + y[2]*z[2]
				b1 += y[1]*z[1] + y[3]*z[3]
			}
			va := aj[i] - (a0+a1)>>lsWBits
			vb := aj[i+1] - (b0+b1)>>lsWBits
			s.v[i][j], s.v[i+1][j] = va, vb
			la[j] = (va << lsWBits) / dj
			lb[j] = (vb << lsWBits) / dj
		}
		if i < n {
			li := &s.l[i]
			vij := aj[i] - dot4(li, vj, 0, nb)>>lsWBits
			s.v[i][j] = vij
			li[j] = (vij << lsWBits) / dj
		}
	}
	// Forward: z_i = b_i - sum_{k<i} L_ik z_k.
	for i := 0; i < n; i++ {
		s.z[i] = s.b[i] - dot4(&s.l[i], &s.z, 0, (i+3)&^3)>>lsWBits
	}
	// Diagonal and backward: w_i = z_i/D_i - sum_{k>i} L_ki w_k (Q16),
	// the sums accumulated row by row as each w_i is known.
	var w, acc [MaxLSInputs]int64
	for i := n - 1; i >= 0; i-- {
		wi := (s.z[i]<<lsWBits)/s.d[i] - acc[i]>>lsWBits
		if wi > lsWMax {
			wi = lsWMax
		} else if wi < -lsWMax {
			wi = -lsWMax
		}
		w[i] = wi
		li := &s.l[i]
		for k := 0; k < i; k += 4 {
			a, l := acc[k:k+4:k+4], li[k:k+4:k+4]
			a[0] += l[0] * wi
			a[1] += l[1] * wi
			a[2] += l[2] * wi
			a[3] += l[3] * wi
		}
	}
	s.w = w
}

// dot4 returns sum_{lo <= k < hi} a[k]*b[k] in wrapping int64
// arithmetic, lo and hi multiples of 4 (0 <= lo, hi <= 16).
func dot4(a, b *[MaxLSInputs]int64, lo, hi int) int64 {
	var s0, s1, s2, s3 int64
	for k := lo; k < hi; k += 4 {
		x, y := a[k:k+4:k+4], b[k:k+4:k+4]
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
	}
	return s0 + s1 + s2 + s3
}

// solveRef is the reference of solve, which must give exactly the same
// weights: the plain loops, with Go's division (the scratch, which no
// solve reads before writing it, in local variables).
func (s *lsState) solveRef() {
	n := s.n
	var l, v [MaxLSInputs][MaxLSInputs]int64
	var d, z [MaxLSInputs]int64
	for j := 0; j < n; j++ {
		// D_j = A_jj + reg - sum_k L_jk * V_jk
		var acc int64
		for k := 0; k < j; k++ {
			acc += l[j][k] * v[j][k]
		}
		dj := s.a[j][j] + s.reg - acc>>lsWBits
		if dj <= 0 {
			return // keep the previous weights
		}
		d[j] = dj
		for i := j + 1; i < n; i++ {
			var acc int64
			for k := 0; k < j; k++ {
				acc += l[i][k] * v[j][k]
			}
			vij := s.a[j][i] - acc>>lsWBits
			v[i][j] = vij
			l[i][j] = (vij << lsWBits) / dj
		}
	}
	// Forward: z_i = b_i - sum_{k<i} L_ik z_k.
	for i := 0; i < n; i++ {
		var acc int64
		for k := 0; k < i; k++ {
			acc += l[i][k] * z[k]
		}
		z[i] = s.b[i] - acc>>lsWBits
	}
	// Diagonal and backward: w_i = z_i/D_i - sum_{k>i} L_ki w_k (Q16).
	var w [MaxLSInputs]int64
	for i := n - 1; i >= 0; i-- {
		var acc int64
		for k := i + 1; k < n; k++ {
			acc += l[k][i] * w[k]
		}
		wi := (z[i]<<lsWBits)/d[i] - acc>>lsWBits
		if wi > lsWMax {
			wi = lsWMax
		} else if wi < -lsWMax {
			wi = -lsWMax
		}
		w[i] = wi
	}
	s.w = w
}
