package kernel

import (
	"fmt"
	"testing"
)

// Benchmarks report GOPS (2·multiply-adds per second; integer) or GFLOP/s
// (float32) from wall-clock time, the same rate from process CPU time as
// "cpu-GOPS" / "cpu-GFLOP/s" (immune to time-sharing on a busy machine;
// kernels are single-threaded), and set bytes to the weight bytes per op.
// Run e.g.
//
//	go test -run XXX -bench . -benchtime 200ms ./model/kernel/

// opsTimer measures the CPU time of a benchmark loop.
type opsTimer struct{ cpu0 float64 }

// startOps resets the benchmark timer and starts CPU time measurement.
func startOps(b *testing.B) opsTimer {
	b.ReportAllocs()
	b.ResetTimer()
	return opsTimer{processCPU()}
}

// report adds the rate metrics for ops operations per iteration.
func (o opsTimer) report(b *testing.B, ops float64, unit string) {
	total := ops * float64(b.N) / 1e9
	b.ReportMetric(total/b.Elapsed().Seconds(), unit)
	if c := processCPU(); o.cpu0 >= 0 && c > o.cpu0 {
		b.ReportMetric(total/(c-o.cpu0), "cpu-"+unit)
	}
}

var benchSizes = []int{128, 256, 512}

func BenchmarkMatVecS16(b *testing.B) {
	for _, im := range impls {
		for _, d := range benchSizes {
			b.Run(fmt.Sprintf("%s/%dx%d", im.name, d, d), func(b *testing.B) {
				r := rng(1)
				w := make([]int16, d*d)
				x := make([]int16, d)
				y := make([]int32, d)
				r.fillS16(w)
				r.fillS16(x)
				b.SetBytes(int64(2 * d * d))
				ot := startOps(b)
				for i := 0; i < b.N; i++ {
					im.matVecS16(y, w, x, d, d)
				}
				ot.report(b, 2*float64(d*d), "GOPS")
			})
		}
	}
}

func BenchmarkSgemm(b *testing.B) {
	type op struct {
		name string
		run  func(im *implementation, batch, d int, x, w, y []float32)
	}
	ops := []op{
		{"NT", func(im *implementation, batch, d int, x, w, y []float32) { // Y = X·Wᵀ
			im.sgemm(batch, d, d, x, d, 1, w, 1, d, y, d, false)
		}},
		{"NN", func(im *implementation, batch, d int, dy, w, dx []float32) { // dX = dY·W
			im.sgemm(batch, d, d, dy, d, 1, w, d, 1, dx, d, false)
		}},
		{"TN", func(im *implementation, batch, d int, dy, x, dw []float32) { // dW += dYᵀ·X
			im.sgemm(d, d, batch, dy, 1, d, x, d, 1, dw, d, true)
		}},
	}
	for _, im := range impls {
		for _, o := range ops {
			for _, d := range benchSizes {
				for _, batch := range []int{16, 64} {
					b.Run(fmt.Sprintf("%s/%s/%dx%d/B%d", im.name, o.name, d, d, batch), func(b *testing.B) {
						r := rng(1)
						a := make([]float32, batch*d)
						w := make([]float32, d*d)
						out := make([]float32, d*d)
						for i := range a {
							a[i] = float32(int8(r.next())) / 64
						}
						for i := range w {
							w[i] = float32(int8(r.next())) / 64
						}
						b.SetBytes(int64(4 * d * d))
						ot := startOps(b)
						for i := 0; i < b.N; i++ {
							o.run(im, batch, d, a, w, out)
						}
						ot.report(b, 2*float64(d*d*batch), "GFLOP/s")
					})
				}
			}
		}
	}
}

// BenchmarkElementwise measures the element-wise operations over 256
// elements (ns/op = per 256 elements).
func BenchmarkElementwise(b *testing.B) {
	const n = 256
	r := rng(1)
	a := make([]int16, n)
	g := make([]uint16, n)
	r.fillS16(a)
	for i := range g {
		g[i] = uint16(r.next())
	}
	d := make([]int16, n)
	for _, bm := range []struct {
		name string
		f    func()
	}{
		{"SigmoidVec", func() { SigmoidVec(g, a) }},
		{"Gate", func() { Gate(d, a, g) }},
	} {
		for _, im := range impls {
			b.Run(bm.name+"/"+im.name, func(b *testing.B) {
				defer use(impls[0])
				use(im)
				ot := startOps(b)
				for i := 0; i < b.N; i++ {
					bm.f()
				}
				if c := processCPU(); ot.cpu0 >= 0 && c > ot.cpu0 {
					b.ReportMetric((c-ot.cpu0)*1e9/float64(b.N)/n, "cpu-ns/elem")
				}
			})
		}
	}
}

// BenchmarkElem96 times the network's element-wise steps on one
// 96-wide vector (ns per call): Requant with bias, Lerp16, and
// AddRoundedQ4 on 256 values.
func BenchmarkElem96(b *testing.B) {
	r := rng(46)
	acc, bias, s := requantCase(&r, 96)
	a, c := extremeI16(&r, 96), extremeI16(&r, 96)
	mu := make([]int32, 96)
	for i := range mu {
		mu[i] = int32(r.next() % 65536)
	}
	delta := make([]int64, 256)
	lg := make([]int32, 256)
	dst := make([]int16, 96)
	for _, im := range impls {
		b.Run(im.name+"/requant", func(b *testing.B) {
			for b.Loop() {
				im.elem.requant(dst, acc, bias, s.m, s.half, s.sh, 0)
			}
		})
		b.Run(im.name+"/lerp", func(b *testing.B) {
			for b.Loop() {
				im.elem.lerp(dst, a, c, mu)
			}
		})
		b.Run(im.name+"/addQ4-256", func(b *testing.B) {
			for b.Loop() {
				im.elem.addQ4(lg, delta)
			}
		})
	}
}

// BenchmarkRender times the render's kernels on typical sizes (ns per
// call): hats over 16 values, the grid over 128.
func BenchmarkRender(b *testing.B) {
	delta := make([]int64, 256)
	cell := make([]uint8, 256)
	frac := make([]int32, 256)
	o := make([]int32, 42)
	for i := range o {
		o[i] = int32(i * 1000)
	}
	for _, im := range impls {
		b.Run(im.name+"/hatAdd-16", func(b *testing.B) {
			for b.Loop() {
				im.elem.hatAdd(delta[100:116], 100, 1728, 1<<27, 1<<16)
			}
		})
		b.Run(im.name+"/hatDot-16", func(b *testing.B) {
			for b.Loop() {
				_ = im.elem.hatDot(delta[100:116], 100, 1728, 1<<27)
			}
		})
		b.Run(im.name+"/grid-128", func(b *testing.B) {
			for b.Loop() {
				im.elem.grid(delta[:128], cell, frac, o, -1<<36, 1<<31, 20)
			}
		})
	}
}
