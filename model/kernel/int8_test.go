package kernel

import (
	"fmt"
	"testing"
)

// rng is a small deterministic generator (splitmix64) so test data is the
// same on every architecture.
type rng uint64

func (r *rng) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

func (r *rng) fillU8(s []uint8) {
	for i := range s {
		s[i] = uint8(r.next())
	}
}

func (r *rng) fillS8(s []int8) {
	for i := range s {
		s[i] = int8(r.next())
	}
}

func (r *rng) fillS16(s []int16) {
	for i := range s {
		s[i] = int16(r.next())
	}
}

// naiveGemm is the definition: Y[b][n] = Σ_k X[b][k]·W[n][k] mod 2^32,
// computed in int64 and truncated.
func naiveGemm(x []uint8, w []int8, batch, n, k int) []int32 {
	y := make([]int32, batch*n)
	for b := 0; b < batch; b++ {
		for i := 0; i < n; i++ {
			var s int64
			for j := 0; j < k; j++ {
				s += int64(x[b*k+j]) * int64(w[i*k+j])
			}
			y[b*n+i] = int32(s)
		}
	}
	return y
}

func naiveMatVecS16(w, x []int16, rows, cols int) []int32 {
	y := make([]int32, rows)
	for i := 0; i < rows; i++ {
		var s int64
		for j := 0; j < cols; j++ {
			s += int64(w[i*cols+j]) * int64(x[j])
		}
		y[i] = int32(s)
	}
	return y
}

func equalI32(t *testing.T, what string, got, want []int32) bool {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: length %d, want %d", what, len(got), len(want))
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s: [%d] = %d, want %d", what, i, got[i], want[i])
			return false
		}
	}
	return true
}

// shapes returns test dimensions: every size 1..70 and around the SIMD widths.
func testSizes() []int {
	s := []int{}
	for i := 1; i <= 70; i++ {
		s = append(s, i)
	}
	return append(s, 95, 96, 97, 127, 128, 129, 191, 255, 256, 257, 300, 513)
}

type fillMode int

const (
	fillRandom fillMode = iota
	fillMaxPos          // x = 255, w = 127
	fillMaxNeg          // x = 255, w = -128
	fillMixed           // x in {0,255}, w in {-128,127}
)

func fillInt8Case(r *rng, mode fillMode, x []uint8, w []int8) {
	switch mode {
	case fillRandom:
		r.fillU8(x)
		r.fillS8(w)
	case fillMaxPos:
		for i := range x {
			x[i] = 255
		}
		for i := range w {
			w[i] = 127
		}
	case fillMaxNeg:
		for i := range x {
			x[i] = 255
		}
		for i := range w {
			w[i] = -128
		}
	case fillMixed:
		for i := range x {
			x[i] = uint8(-(r.next() & 1)) // 0 or 255
		}
		for i := range w {
			w[i] = int8(127 + r.next()&1) // 127 or -128
		}
	}
}

func TestMatVecU8S8(t *testing.T) {
	r := rng(1)
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			for _, rows := range []int{1, 2, 3, 4, 5, 7, 8, 9, 17, 33} {
				for _, cols := range testSizes() {
					for mode := fillRandom; mode <= fillMixed; mode++ {
						x := make([]uint8, cols)
						w := make([]int8, rows*cols)
						fillInt8Case(&r, mode, x, w)
						want := naiveGemm(x, w, 1, rows, cols)
						got := make([]int32, rows+1)
						got[rows] = 12345
						im.matVecU8S8(got[:rows], w, x, rows, cols)
						if got[rows] != 12345 {
							t.Fatalf("rows=%d cols=%d: wrote past y", rows, cols)
						}
						if !equalI32(t, fmt.Sprintf("rows=%d cols=%d mode=%d", rows, cols, mode), got[:rows], want) {
							return
						}
					}
				}
			}
		})
	}
}

func TestMatVecS16(t *testing.T) {
	r := rng(2)
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			for _, rows := range []int{1, 2, 3, 4, 5, 7, 8, 9, 17} {
				for _, cols := range testSizes() {
					for mode := 0; mode < 3; mode++ {
						x := make([]int16, cols)
						w := make([]int16, rows*cols)
						switch mode {
						case 0:
							r.fillS16(x)
							r.fillS16(w)
						case 1: // (-32768)² pairs: the VPMADDWD overflow case; sums wrap
							for i := range x {
								x[i] = -32768
							}
							for i := range w {
								w[i] = -32768
							}
						case 2:
							for i := range x {
								x[i] = 32767
							}
							for i := range w {
								w[i] = -32768
							}
						}
						want := naiveMatVecS16(w, x, rows, cols)
						got := make([]int32, rows)
						im.matVecS16(got, w, x, rows, cols)
						if !equalI32(t, fmt.Sprintf("rows=%d cols=%d mode=%d", rows, cols, mode), got, want) {
							return
						}
					}
				}
			}
		})
	}
}

func checkGemmCase(t *testing.T, im *implementation, x []uint8, w []int8, batch, n, k int) bool {
	t.Helper()
	p := PackInt8(w, n, k)
	want := naiveGemm(x, w, batch, n, k)
	got := make([]int32, batch*n+1)
	got[batch*n] = 777
	im.gemmU8S8(got[:batch*n], x, batch, p)
	if got[batch*n] != 777 {
		t.Errorf("%s B=%d N=%d K=%d: wrote past y", im.name, batch, n, k)
		return false
	}
	return equalI32(t, fmt.Sprintf("%s B=%d N=%d K=%d", im.name, batch, n, k), got[:batch*n], want)
}

func TestGemmU8S8(t *testing.T) {
	r := rng(3)
	batches := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 31, 64, 65}
	ns := []int{1, 2, 3, 5, 8, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 100, 127, 128, 129}
	ks := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 301}
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			for i := 0; i < 400; i++ {
				batch := batches[r.intn(len(batches))]
				n := ns[r.intn(len(ns))]
				k := ks[r.intn(len(ks))]
				x := make([]uint8, batch*k)
				w := make([]int8, n*k)
				fillInt8Case(&r, fillMode(r.intn(4)), x, w)
				if !checkGemmCase(t, im, x, w, batch, n, k) {
					return
				}
			}
			// Extremes on every small shape.
			for batch := 1; batch <= 9; batch++ {
				for _, n := range []int{1, 31, 33} {
					for _, k := range []int{1, 2, 3, 4, 5, 255, 1027} {
						for mode := fillMaxPos; mode <= fillMixed; mode++ {
							x := make([]uint8, batch*k)
							w := make([]int8, n*k)
							fillInt8Case(&r, mode, x, w)
							if !checkGemmCase(t, im, x, w, batch, n, k) {
								return
							}
						}
					}
				}
			}
		})
	}
}

// TestInt32Wrap checks that sums exceeding the int32 range wrap the same way
// in every implementation (K large enough that 255·127·K > 2^31).
func TestInt32Wrap(t *testing.T) {
	const k = 70000 // 255·127·70000 ≈ 2.27e9 > 2^31
	x := make([]uint8, 2*k)
	w := make([]int8, 3*k)
	for i := range x {
		x[i] = 255
	}
	for i := range w {
		w[i] = 127
	}
	for i := 0; i < k; i++ {
		w[2*k+i] = -128
	}
	for _, im := range impls {
		checkGemmCase(t, im, x, w, 2, 3, k)
		got := make([]int32, 3)
		im.matVecU8S8(got, w, x[:k], 3, k)
		equalI32(t, im.name+" matvec wrap", got, naiveGemm(x[:k], w, 1, 3, k))
	}
}

func TestPackInt8(t *testing.T) {
	r := rng(4)
	for _, n := range []int{1, 31, 32, 33, 70} {
		for _, k := range []int{1, 3, 4, 5, 64, 67} {
			w := make([]int8, n*k)
			r.fillS8(w)
			p := PackInt8(w, n, k)
			if gn, gk := p.Dims(); gn != n || gk != k {
				t.Fatalf("Dims = %d,%d want %d,%d", gn, gk, n, k)
			}
			for i := 0; i < n; i++ {
				var s int32
				for j := 0; j < k; j++ {
					if p.At(i, j) != w[i*k+j] {
						t.Fatalf("At(%d,%d) = %d want %d", i, j, p.At(i, j), w[i*k+j])
					}
					s += int32(w[i*k+j])
				}
				if p.RowSums()[i] != s {
					t.Fatalf("RowSums[%d] = %d want %d", i, p.RowSums()[i], s)
				}
			}
		}
	}
}

// TestExportedInt8 runs the exported entry points under every implementation.
func TestExportedInt8(t *testing.T) {
	defer use(impls[0])
	r := rng(5)
	const batch, n, k = 5, 37, 45
	x := make([]uint8, batch*k)
	w := make([]int8, n*k)
	r.fillU8(x)
	r.fillS8(w)
	p := PackInt8(w, n, k)
	want := naiveGemm(x, w, batch, n, k)
	for _, im := range impls {
		use(im)
		if Impl() != im.name {
			t.Fatalf("Impl() = %q, want %q", Impl(), im.name)
		}
		y := make([]int32, batch*n)
		GemmU8S8(y, x, batch, p)
		equalI32(t, im.name+" GemmU8S8", y, want)
		y1 := make([]int32, n)
		MatVecU8S8(y1, w, x[:k], n, k)
		equalI32(t, im.name+" MatVecU8S8", y1, want[:n])
	}
}

func TestShortSlicesPanic(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	p := PackInt8(make([]int8, 6), 2, 3)
	mustPanic("gemm y", func() { GemmU8S8(make([]int32, 3), make([]uint8, 6), 2, p) })
	mustPanic("gemm x", func() { GemmU8S8(make([]int32, 4), make([]uint8, 5), 2, p) })
	mustPanic("matvec w", func() { MatVecU8S8(make([]int32, 2), make([]int8, 5), make([]uint8, 3), 2, 3) })
	mustPanic("pack", func() { PackInt8(make([]int8, 5), 2, 3) })
	mustPanic("sgemm", func() {
		SgemmNT(2, 2, 2, make([]float32, 3), 2, make([]float32, 4), 2, make([]float32, 4), 2, false)
	})
}
