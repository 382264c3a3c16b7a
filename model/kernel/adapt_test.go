package kernel

import (
	"fmt"
	"slices"
	"testing"
)

// adaptMode selects how adaptFill draws values.
type adaptMode int

const (
	adaptRandom  adaptMode = iota // uniform over the type's range
	adaptExtreme                  // end points, their neighbours, 0, ±1
	adaptSmall                    // typical magnitudes
	adaptModes
)

// adaptVal draws one value in [lo, hi] (lo < 0 < hi) in the given mode.
func adaptVal(r *rng, mode adaptMode, lo, hi int64) int64 {
	switch mode {
	case adaptExtreme:
		return r.pick(lo, hi)
	case adaptSmall:
		return r.uniform(lo, hi) >> (4 + r.intn(12))
	}
	return r.uniform(lo, hi)
}

// adaptGValues are g values at the edges of the AVX-512 split g = H·2^16 + L
// (H = 32768 for g >= 2^31-2^15; L = ±2^15).
var adaptGValues = []int32{
	-1 << 31, -1<<31 + 1, -1<<31 + 1<<15, 1<<31 - 1, 1<<31 - 2, 1<<31 - 1<<15, 1<<31 - 1<<15 - 1,
	1<<31 - 1<<15 + 1, 1 << 15, 1<<15 - 1, -1 << 15, -1<<15 - 1, 1 << 16, -1 << 16, 0x18000, -0x18000, -1, 1,
}

type adaptCase struct {
	rows, cols int
	shift      uint
	w, g       []int32
	x          []int16
}

func adaptFill(r *rng, rows, cols int) *adaptCase {
	c := &adaptCase{rows: rows, cols: cols, shift: uint(r.intn(64))}
	c.w = make([]int32, rows*cols)
	c.g = make([]int32, rows)
	c.x = make([]int16, cols)
	mw, mx, mg := adaptMode(r.intn(int(adaptModes))), adaptMode(r.intn(int(adaptModes))), adaptMode(r.intn(int(adaptModes)))
	for i := range c.w {
		c.w[i] = int32(adaptVal(r, mw, -1<<31, 1<<31-1))
	}
	for i := range c.x {
		c.x[i] = int16(adaptVal(r, mx, -1<<15, 1<<15-1))
	}
	for i := range c.g {
		switch r.intn(6) {
		case 0:
			c.g[i] = 0
		case 1:
			c.g[i] = adaptGValues[r.intn(len(adaptGValues))]
		default:
			c.g[i] = int32(adaptVal(r, mg, -1<<31, 1<<31-1))
		}
	}
	if mw == adaptSmall && mx != adaptSmall && r.intn(2) == 0 {
		c.shift = uint(r.intn(20)) // keep some results unsaturated
	}
	return c
}

var adaptCols = []int{1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 95, 96, 97, 127, 128, 129, 143, 144, 200, 255, 256, 257, 300}

// guard is the value written around the outputs to detect stray stores.
const guard = 0x5a5a5a5a

// checkMatVecS32S16 runs im and the reference and reports a difference, or a
// store outside y[:rows].
func checkMatVecS32S16(t *testing.T, im *implementation, c *adaptCase, what string) bool {
	t.Helper()
	want := make([]int32, c.rows)
	matVecS32S16Generic(want, c.w, c.x, c.rows, c.cols, c.shift)
	buf := make([]int32, c.rows+20)
	for i := range buf {
		buf[i] = guard
	}
	w0 := append([]int32(nil), c.w...)
	x0 := append([]int16(nil), c.x...)
	got := buf[:c.rows:c.rows]
	im.matVecS32S16(got, c.w[:c.rows*c.cols:c.rows*c.cols], c.x[:c.cols:c.cols], c.rows, c.cols, c.shift)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s MatVecS32S16 %s (%dx%d shift %d): y[%d] = %d, want %d", im.name, what, c.rows, c.cols, c.shift, i, got[i], want[i])
			return false
		}
	}
	for i := c.rows; i < len(buf); i++ {
		if buf[i] != guard {
			t.Errorf("%s MatVecS32S16 %s (%dx%d): wrote y[%d]", im.name, what, c.rows, c.cols, i)
			return false
		}
	}
	if !slices.Equal(w0, c.w) || !slices.Equal(x0, c.x) {
		t.Errorf("%s MatVecS32S16 %s: changed its inputs", im.name, what)
		return false
	}
	return true
}

// checkRankOne runs im and the reference on copies of c.w.
func checkRankOne(t *testing.T, im *implementation, c *adaptCase, what string) bool {
	t.Helper()
	n := c.rows * c.cols
	want := append([]int32(nil), c.w...)
	rankOneUpdateS32Generic(want, c.g, c.x, c.rows, c.cols)
	buf := make([]int32, n+40)
	for i := range buf {
		buf[i] = guard
	}
	copy(buf, c.w)
	g0 := append([]int32(nil), c.g...)
	x0 := append([]int16(nil), c.x...)
	im.rankOneUpdateS32(buf[:n:n], c.g[:c.rows:c.rows], c.x[:c.cols:c.cols], c.rows, c.cols)
	for i := range want {
		if buf[i] != want[i] {
			t.Errorf("%s RankOneUpdateS32 %s (%dx%d): w[%d] (g=%d x=%d) = %d, want %d", im.name, what, c.rows, c.cols, i,
				c.g[i/c.cols], c.x[i%c.cols], buf[i], want[i])
			return false
		}
	}
	for i := n; i < len(buf); i++ {
		if buf[i] != guard {
			t.Errorf("%s RankOneUpdateS32 %s (%dx%d): wrote w[%d]", im.name, what, c.rows, c.cols, i)
			return false
		}
	}
	if !slices.Equal(g0, c.g) || !slices.Equal(x0, c.x) {
		t.Errorf("%s RankOneUpdateS32 %s: changed its inputs", im.name, what)
		return false
	}
	return true
}

func TestAdaptKernels(t *testing.T) {
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			r := rng(21)
			var satHi, satLo, n int
			for it := 0; it < 4000; it++ {
				rows := 1 + r.intn(20)
				if r.intn(4) == 0 {
					rows = 54
				}
				cols := adaptCols[r.intn(len(adaptCols))]
				if r.intn(4) == 0 {
					cols = 96
				}
				c := adaptFill(&r, rows, cols)
				what := fmt.Sprintf("case %d", it)
				if !checkMatVecS32S16(t, im, c, what) || !checkRankOne(t, im, c, what) {
					return
				}
				y := make([]int32, rows)
				matVecS32S16Generic(y, c.w, c.x, rows, cols, c.shift)
				for _, v := range y {
					switch v {
					case 1<<31 - 1:
						satHi++
					case -1 << 31:
						satLo++
					}
				}
				n += rows
			}
			if satHi == 0 || satLo == 0 {
				t.Errorf("saturation not exercised: %d high, %d low", satHi, satLo)
			}
			t.Logf("%d rows; saturated %d high, %d low", n, satHi, satLo)
		})
	}
}

// TestAdaptEdges combines all-extreme matrices and vectors (every product
// at ±2^46, every rounding corner of the update) with every shift.
func TestAdaptEdges(t *testing.T) {
	wv := []int32{-1 << 31, -1<<31 + 1, 1<<31 - 1, -1, 0, 1, 1 << 15, -1 << 15}
	xv := []int16{-1 << 15, -1<<15 + 1, 1<<15 - 1, -1, 0, 1, 1 << 14}
	for _, im := range impls {
		r := rng(23)
		for it := 0; it < 3000; it++ {
			rows := 1 + r.intn(17)
			cols := adaptCols[r.intn(len(adaptCols))]
			c := &adaptCase{rows: rows, cols: cols, shift: uint(it % 64)}
			c.w = make([]int32, rows*cols)
			c.g = make([]int32, rows)
			c.x = make([]int16, cols)
			w0, x0 := wv[r.intn(len(wv))], xv[r.intn(len(xv))]
			for i := range c.w {
				c.w[i] = w0
				if r.intn(8) == 0 {
					c.w[i] = wv[r.intn(len(wv))]
				}
			}
			for i := range c.x {
				c.x[i] = x0
				if r.intn(8) == 0 {
					c.x[i] = xv[r.intn(len(xv))]
				}
			}
			for i := range c.g {
				c.g[i] = adaptGValues[r.intn(len(adaptGValues))]
			}
			what := fmt.Sprintf("edge case %d", it)
			if !checkMatVecS32S16(t, im, c, what) || !checkRankOne(t, im, c, what) {
				break
			}
		}
	}
}

// TestAdaptGAll runs the update for every g in a dense set around each
// boundary of the g split and a spread of others, against all x in a set.
func TestAdaptGAll(t *testing.T) {
	var gs []int32
	for _, b := range adaptGValues {
		for d := int32(-3); d <= 3; d++ {
			gs = append(gs, b+d) // wraps at ±2^31: still valid int32s
		}
	}
	r := rng(29)
	for len(gs) < 4096 {
		gs = append(gs, int32(r.next()))
	}
	cols := 37
	x := make([]int16, cols)
	for i := range x {
		x[i] = int16(r.pick(-1<<15, 1<<15-1))
	}
	w := make([]int32, len(gs)*cols)
	for i := range w {
		w[i] = int32(r.next())
	}
	c := &adaptCase{rows: len(gs), cols: cols, w: w, g: gs, x: x}
	for _, im := range impls {
		checkRankOne(t, im, c, "g sweep")
		checkMatVecS32S16(t, im, c, "g sweep")
	}
}

// TestAdaptDispatch checks the exported functions (active implementation,
// argument checks, shapes with zero rows or columns).
func TestAdaptDispatch(t *testing.T) {
	defer use(impls[0])
	r := rng(31)
	c := adaptFill(&r, 54, 96)
	for _, im := range impls {
		use(im)
		want := make([]int32, 54)
		matVecS32S16Generic(want, c.w, c.x, 54, 96, c.shift)
		y := make([]int32, 60)
		MatVecS32S16(y, c.w, c.x, 54, 96, c.shift)
		if !slices.Equal(y[:54], want) {
			t.Errorf("%s: MatVecS32S16 differs from the reference", im.name)
		}
		w := append([]int32(nil), c.w...)
		ww := append([]int32(nil), c.w...)
		rankOneUpdateS32Generic(ww, c.g, c.x, 54, 96)
		RankOneUpdateS32(w, c.g, c.x, 54, 96)
		if !slices.Equal(w, ww) {
			t.Errorf("%s: RankOneUpdateS32 differs from the reference", im.name)
		}
		y = []int32{7, 7, 7}
		MatVecS32S16(y, nil, nil, 2, 0, 5) // empty sums
		if y[0] != 0 || y[1] != 0 || y[2] != 7 {
			t.Errorf("%s: MatVecS32S16 with cols = 0: %v", im.name, y)
		}
		MatVecS32S16(nil, nil, make([]int16, 3), 0, 3, 5)
		RankOneUpdateS32(nil, nil, make([]int16, 3), 0, 3)
		RankOneUpdateS32(nil, []int32{1}, nil, 1, 0)
	}
	for _, f := range []func(){
		func() { MatVecS32S16(make([]int32, 2), make([]int32, 5), make([]int16, 3), 2, 3, 0) },
		func() { MatVecS32S16(make([]int32, 1), make([]int32, 6), make([]int16, 3), 2, 3, 0) },
		func() { MatVecS32S16(make([]int32, 2), make([]int32, 6), make([]int16, 2), 2, 3, 0) },
		func() { MatVecS32S16(make([]int32, 2), make([]int32, 6), make([]int16, 3), 2, 3, 64) },
		func() { MatVecS32S16(nil, nil, nil, -1, 3, 0) },
		func() { RankOneUpdateS32(make([]int32, 5), make([]int32, 2), make([]int16, 3), 2, 3) },
		func() { RankOneUpdateS32(make([]int32, 6), make([]int32, 1), make([]int16, 3), 2, 3) },
		func() { RankOneUpdateS32(make([]int32, 6), make([]int32, 2), make([]int16, 2), 2, 3) },
		func() { RankOneUpdateS32(nil, nil, nil, 1, -1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("bad arguments did not panic")
				}
			}()
			f()
		}()
	}
}

// FuzzAdapt derives shapes, shift and values from the fuzz input and checks
// every implementation against the reference.
//
//	go test -run XXX -fuzz FuzzAdapt -fuzztime 20s ./model/kernel/
func FuzzAdapt(f *testing.F) {
	f.Add([]byte{54, 96, 20, 0xff, 0x7f, 0x80, 0x00})
	f.Add([]byte{1, 1, 0, 0x00, 0x00, 0x00, 0x80, 0x00, 0x80})
	f.Add([]byte{3, 17, 63, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{9, 130, 31, 0x00, 0x80, 0xff, 0x7f, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 4 {
			return
		}
		rows, cols, shift := 1+int(data[0])%64, 1+int(data[1])%300, uint(data[2])%64
		fill := data[3:]
		j := 0
		next := func() uint32 { // little-endian words from fill, cycled with a varying offset
			var x uint32
			for k := 0; k < 4; k++ {
				x |= uint32(fill[j%len(fill)]^byte(j/len(fill))) << (8 * k)
				j++
			}
			return x
		}
		c := &adaptCase{rows: rows, cols: cols, shift: shift}
		c.w = make([]int32, rows*cols)
		c.g = make([]int32, rows)
		c.x = make([]int16, cols)
		for i := range c.x {
			c.x[i] = int16(next())
		}
		for i := range c.g {
			c.g[i] = int32(next())
		}
		for i := range c.w {
			c.w[i] = int32(next())
		}
		for _, im := range impls {
			if !checkMatVecS32S16(t, im, c, "fuzz") || !checkRankOne(t, im, c, "fuzz") {
				t.FailNow()
			}
		}
	})
}

// TestGoldenAdapt pins the outputs of a fixed pseudo-random sequence of
// MatVecS32S16 and RankOneUpdateS32 calls (all value modes, many shapes,
// every shift) under every implementation; see golden_test.go.
func TestGoldenAdapt(t *testing.T) {
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			golden(t, "MatVecS32S16", 0xce41d02430791e86, func(put func(int64)) {
				r := rng(95)
				for it := 0; it < 300; it++ {
					c := adaptFill(&r, 1+r.intn(60), adaptCols[r.intn(len(adaptCols))])
					y := make([]int32, c.rows)
					im.matVecS32S16(y, c.w, c.x, c.rows, c.cols, c.shift)
					for _, v := range y {
						put(int64(v))
					}
				}
			})
			golden(t, "RankOneUpdateS32", 0x65189f7a043901a4, func(put func(int64)) {
				r := rng(96)
				for it := 0; it < 300; it++ {
					c := adaptFill(&r, 1+r.intn(60), adaptCols[r.intn(len(adaptCols))])
					for step := 0; step < 3; step++ { // repeated updates of one matrix
						im.rankOneUpdateS32(c.w, c.g, c.x, c.rows, c.cols)
						c.x[r.intn(c.cols)] = int16(r.next())
					}
					for _, v := range c.w {
						put(int64(v))
					}
				}
			})
		})
	}
}

// BenchmarkMatVecS32S16 and BenchmarkRankOneUpdateS32 measure the 54×96
// head (ns/op = per call; MB/s over the int32 matrix).
func BenchmarkMatVecS32S16(b *testing.B) {
	const rows, cols = 54, 96
	r := rng(1)
	c := adaptFill(&r, rows, cols)
	for _, im := range impls {
		b.Run(fmt.Sprintf("%s/%dx%d", im.name, rows, cols), func(b *testing.B) {
			y := make([]int32, rows)
			b.SetBytes(4 * rows * cols)
			ot := startOps(b)
			for i := 0; i < b.N; i++ {
				im.matVecS32S16(y, c.w, c.x, rows, cols, 12)
			}
			ot.report(b, 2*rows*cols, "GOPS")
		})
	}
}

func BenchmarkRankOneUpdateS32(b *testing.B) {
	const rows, cols = 54, 96
	r := rng(2)
	c := adaptFill(&r, rows, cols)
	for i := range c.g {
		c.g[i] = int32(r.next()) >> 12 // all rows active
	}
	for _, im := range impls {
		b.Run(fmt.Sprintf("%s/%dx%d", im.name, rows, cols), func(b *testing.B) {
			w := append([]int32(nil), c.w...)
			b.SetBytes(4 * rows * cols)
			ot := startOps(b)
			for i := 0; i < b.N; i++ {
				im.rankOneUpdateS32(w, c.g, c.x, rows, cols)
			}
			ot.report(b, 3*rows*cols, "GOPS")
		})
	}
}
