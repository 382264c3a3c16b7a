package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randSlice(rng *rand.Rand, n int, scale float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = (rng.Float32()*2 - 1) * scale
	}
	return s
}

func maxAbsDiff(a, b []float32) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(float64(a[i])-float64(b[i])))
	}
	return m
}

func TestGoMatMulMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var ref NaiveMatMul
	for _, fast := range []MatMul{&GoMatMul{}, KernelMatMul{}} {
		for _, dims := range [][3]int{{1, 1, 1}, {3, 5, 7}, {8, 16, 33}, {17, 9, 64}, {2, 4, 0}} {
			m, n, k := dims[0], dims[1], dims[2]
			for _, acc := range []bool{false, true} {
				// NT
				a, b := randSlice(rng, m*k, 1), randSlice(rng, n*k, 1)
				c0 := randSlice(rng, m*n, 1)
				c1 := append([]float32(nil), c0...)
				ref.NT(c0, a, b, m, n, k, acc)
				fast.NT(c1, a, b, m, n, k, acc)
				if d := maxAbsDiff(c0, c1); d > 1e-4 {
					t.Errorf("NT %v acc=%v: diff %g", dims, acc, d)
				}
				// NN
				b = randSlice(rng, k*n, 1)
				c1 = append(c1[:0], c0...)
				ref.NN(c0, a, b, m, n, k, acc)
				fast.NN(c1, a, b, m, n, k, acc)
				if d := maxAbsDiff(c0, c1); d > 1e-4 {
					t.Errorf("NN %v acc=%v: diff %g", dims, acc, d)
				}
				// TN
				a = randSlice(rng, k*m, 1)
				c1 = append(c1[:0], c0...)
				ref.TN(c0, a, b, m, n, k, acc)
				fast.TN(c1, a, b, m, n, k, acc)
				if d := maxAbsDiff(c0, c1); d > 1e-4 {
					t.Errorf("TN %v acc=%v: diff %g", dims, acc, d)
				}
			}
		}
	}
}

func benchGEMM(b *testing.B, kind string, m, n, k int) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, w := randSlice(rng, m*k, 1), randSlice(rng, n*k, 1)
	c := make([]float32, m*n)
	var g MatMul = &GoMatMul{}
	if kind[0] == 'K' {
		g, kind = KernelMatMul{}, kind[1:]
	}
	b.ResetTimer()
	for range b.N {
		switch kind {
		case "NT":
			g.NT(c, x, w, m, n, k, false)
		case "NN":
			g.NN(c, x, w, m, n, k, false)
		case "TN":
			g.TN(c, x, w, m, n, k, false)
		}
	}
	b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkGEMM_NT_768x96x96(b *testing.B)  { benchGEMM(b, "NT", 768, 96, 96) }
func BenchmarkGEMM_NN_768x96x96(b *testing.B)  { benchGEMM(b, "NN", 768, 96, 96) }
func BenchmarkGEMM_TN_96x96x768(b *testing.B)  { benchGEMM(b, "TN", 96, 96, 768) }
func BenchmarkGEMM_NT_768x384x96(b *testing.B) { benchGEMM(b, "NT", 768, 384, 96) }

func BenchmarkGEMM_KNT_768x96x96(b *testing.B) { benchGEMM(b, "KNT", 768, 96, 96) }
func BenchmarkGEMM_KNN_768x96x96(b *testing.B) { benchGEMM(b, "KNN", 768, 96, 96) }
func BenchmarkGEMM_KTN_96x96x768(b *testing.B) { benchGEMM(b, "KTN", 96, 96, 768) }
