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

func (r *rng) fillS16(s []int16) {
	for i := range s {
		s[i] = int16(r.next())
	}
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
	mustPanic("matvec w", func() { MatVecS16(make([]int32, 2), make([]int16, 5), make([]int16, 3), 2, 3) })
	mustPanic("sgemm", func() {
		SgemmNT(2, 2, 2, make([]float32, 3), 2, make([]float32, 4), 2, make([]float32, 4), 2, false)
	})
}
