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

	// scratch for the solve
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

// solve recomputes the weights from A + reg*I and b.
func (s *lsState) solve() {
	n := s.n
	for j := 0; j < n; j++ {
		// D_j = A_jj + reg - sum_k L_jk * V_jk
		var acc int64
		for k := 0; k < j; k++ {
			acc += s.l[j][k] * s.v[j][k]
		}
		dj := s.a[j][j] + s.reg - acc>>lsWBits
		if dj <= 0 {
			return // keep the previous weights
		}
		s.d[j] = dj
		for i := j + 1; i < n; i++ {
			var acc int64
			for k := 0; k < j; k++ {
				acc += s.l[i][k] * s.v[j][k]
			}
			vij := s.a[j][i] - acc>>lsWBits
			s.v[i][j] = vij
			s.l[i][j] = (vij << lsWBits) / dj
		}
	}
	// Forward: z_i = b_i - sum_{k<i} L_ik z_k.
	for i := 0; i < n; i++ {
		var acc int64
		for k := 0; k < i; k++ {
			acc += s.l[i][k] * s.z[k]
		}
		s.z[i] = s.b[i] - acc>>lsWBits
	}
	// Diagonal and backward: w_i = z_i/D_i - sum_{k>i} L_ki w_k (Q16).
	var w [MaxLSInputs]int64
	for i := n - 1; i >= 0; i-- {
		var acc int64
		for k := i + 1; k < n; k++ {
			acc += s.l[k][i] * w[k]
		}
		wi := (s.z[i]<<lsWBits)/s.d[i] - acc>>lsWBits
		if wi > lsWMax {
			wi = lsWMax
		} else if wi < -lsWMax {
			wi = -lsWMax
		}
		w[i] = wi
	}
	s.w = w
}
