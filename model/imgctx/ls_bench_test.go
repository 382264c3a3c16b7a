package imgctx

import (
	"flag"
	"math/rand/v2"
	"testing"
	"time"
)

var solveSpeed = flag.Bool("solvespeed", false, "run TestSolveSpeed")

func benchSolve(b *testing.B, ref bool) {
	r := rand.New(rand.NewPCG(7, 8))
	var ss [3]lsState
	for c := range ss {
		ss[c] = randLS(r, lsInputs(c), false)
	}
	b.ResetTimer()
	for range b.N {
		for c := range ss {
			if ref {
				ss[c].solveRef()
			} else {
				ss[c].solve()
			}
		}
	}
}

// BenchmarkSolve times the three channels' solves of one RGB pixel group.
func BenchmarkSolve(b *testing.B)    { benchSolve(b, false) }
func BenchmarkSolveRef(b *testing.B) { benchSolve(b, true) }

func benchSolveN(b *testing.B, n int, ref bool) {
	r := rand.New(rand.NewPCG(7, 8))
	s := randLS(r, n, false)
	b.ResetTimer()
	for range b.N {
		if ref {
			s.solveRef()
		} else {
			s.solve()
		}
	}
}

func BenchmarkSolve8(b *testing.B)     { benchSolveN(b, 8, false) }
func BenchmarkSolve16(b *testing.B)    { benchSolveN(b, 16, false) }
func BenchmarkSolveRef8(b *testing.B)  { benchSolveN(b, 8, true) }
func BenchmarkSolveRef16(b *testing.B) { benchSolveN(b, 16, true) }

// TestSolveSpeed (with -solvespeed) times solve against solveRef in
// interleaved rounds, so that a shared machine's drift cancels.
func TestSolveSpeed(t *testing.T) {
	if !*solveSpeed {
		t.Skip("-solvespeed not set")
	}
	r := rand.New(rand.NewPCG(7, 8))
	var ss [3]lsState
	for c := range ss {
		ss[c] = randLS(r, lsInputs(c), false)
	}
	var tn, tr time.Duration
	for range 400 {
		t0 := time.Now()
		for range 500 {
			for c := range ss {
				ss[c].solve()
			}
		}
		t1 := time.Now()
		for range 500 {
			for c := range ss {
				ss[c].solveRef()
			}
		}
		t2 := time.Now()
		tn += t1.Sub(t0)
		tr += t2.Sub(t1)
	}
	t.Logf("solve %.0f ns, solveRef %.0f ns per RGB group: ratio %.3f", float64(tn)/2e5, float64(tr)/2e5, float64(tn)/float64(tr))
}
