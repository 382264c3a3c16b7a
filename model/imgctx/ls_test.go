package imgctx

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

// randLS fills an lsState as the predictor would (n inputs, updates
// with forgetting) or, with wild, with arbitrary A and b.
func randLS(r *rand.Rand, n int, wild bool) lsState {
	var s lsState
	s.init(n, DefaultConfig.LSDecay, DefaultConfig.LSReg)
	if wild {
		for j := range s.a {
			for k := range s.a[j] {
				s.a[j][k] = int64(r.Uint64()) >> r.IntN(64)
			}
			s.b[j] = int64(r.Uint64()) >> r.IntN(64)
		}
		switch r.IntN(3) {
		case 0: // large positive diagonal: pivots stay positive longer
			for j := range n {
				s.a[j][j] = int64(r.Uint64()>>2) >> r.IntN(30)
			}
		case 1: // dominant diagonal: every pivot positive, large L and w
			for j := range n {
				for k := range n {
					s.a[j][k] >>= 24
				}
				s.a[j][j] = 1<<50 + int64(r.Uint64()>>14)
			}
		}
		return s
	}
	var x [MaxLSInputs]int32
	amp := 1 + r.IntN(255)
	for range 1 + r.IntN(200) {
		for j := range n {
			x[j] = int32(r.IntN(2*amp+1) - amp)
		}
		s.update(&x, int32(r.IntN(2*amp+1)-amp))
	}
	return s
}

// sameLS reports whether two predictors have the same state (the
// scratch of the solve aside, which solveRef keeps in local variables).
func sameLS(a, b *lsState) bool {
	return a.n == b.n && a.decay == b.decay && a.reg == b.reg && a.a == b.a && a.b == b.b && a.w == b.w
}

// TestSolveRef checks that solve leaves the same state as solveRef
// over sequences of solves, on
// realistic states and on arbitrary ones (non-positive pivots, wrapping).
func TestSolveRef(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for rep := range 20000 {
		n := 1 + r.IntN(MaxLSInputs)
		if rep%2 == 0 {
			n = lsInputs(r.IntN(3))
		}
		s1 := randLS(r, n, rep%3 == 0)
		s2 := s1
		for k := range 3 {
			s1.solve()
			s2.solveRef()
			if !sameLS(&s1, &s2) {
				t.Fatalf("rep %d n %d solve %d: state differs:\n%+v\n%+v", rep, n, k, s1.w, s2.w)
			}
			// Move the state on: one more observation or a new wild A.
			var x [MaxLSInputs]int32
			for j := range n {
				x[j] = int32(r.IntN(511) - 255)
			}
			s1.update(&x, int32(r.IntN(511)-255))
			if r.IntN(4) == 0 {
				w := randLS(r, n, true)
				s1.a, s1.b = w.a, w.b
			}
			s2 = s1
		}
	}
}

func FuzzSolveRef(f *testing.F) {
	f.Add([]byte("an LDL^T solve, any bytes will do"), uint8(16))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 1}, uint8(13))
	f.Fuzz(func(t *testing.T, data []byte, n uint8) {
		var s lsState
		s.init(1+int(n)%MaxLSInputs, 9, 256)
		if len(data) >= 8 {
			for j := range s.a {
				for k := range s.a[j] {
					s.a[j][k] = int64(binary.LittleEndian.Uint64(data[(8*(16*j+k))%(len(data)-7):]))
				}
				s.b[j] = int64(binary.LittleEndian.Uint64(data[(8*j+3)%(len(data)-7):]))
			}
		}
		s2 := s
		s.solve()
		s2.solveRef()
		if !sameLS(&s, &s2) {
			t.Fatalf("state differs: %v vs %v", s.w, s2.w)
		}
	})
}

// TestSolveRefFull checks that the states of TestSolveRef do reach the
// whole solve (all pivots positive) often enough to test it.
func TestSolveRefFull(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	full := [2]int{}
	for rep := range 3000 {
		s := randLS(r, 1+r.IntN(MaxLSInputs), rep%2 == 0)
		s.w[0] = math.MinInt64 // never a solve's weight (clamped to +-16)
		s.solve()
		if s.w[0] != math.MinInt64 {
			full[rep%2]++
		}
	}
	t.Logf("full solves: %d of 1500 wild, %d of 1500 updated", full[0], full[1])
	if full[0] < 300 || full[1] < 1000 {
		t.Fatalf("too few full solves: %v", full)
	}
}
