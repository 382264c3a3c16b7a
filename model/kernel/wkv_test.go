package kernel

import (
	"fmt"
	"testing"
)

// wkvCase is one WKV16 call's inputs.
type wkvCase struct {
	kk, b, dec, kv, v, r [16]int32
	rsh, yShift          uint
}

// wkvMode selects how wkvFill draws the inputs.
type wkvMode int

const (
	wkvRandom  wkvMode = iota // uniform over the documented ranges
	wkvExtreme                // the ends of the documented ranges and values near them
	wkvSmall                  // typical magnitudes (no saturation)
	wkvAny                    // arbitrary int32 and shift counts (outside the documented ranges)
	wkvModes
)

// pick returns a value in [lo, hi]: an end point, a neighbour of one, 0, ±1
// or a uniform one.
func (r *rng) pick(lo, hi int64) int64 {
	var x int64
	switch r.intn(8) {
	case 0:
		x = lo
	case 1:
		x = hi
	case 2:
		x = lo + int64(r.intn(4))
	case 3:
		x = hi - int64(r.intn(4))
	case 4:
		x = int64(r.intn(3)) - 1
	default:
		x = lo + int64(r.next()%uint64(hi-lo+1))
	}
	return max(lo, min(hi, x))
}

func (r *rng) uniform(lo, hi int64) int64 { return lo + int64(r.next()%uint64(hi-lo+1)) }

func wkvFill(r *rng, mode wkvMode, c *wkvCase) {
	const q15 = 1 << 15
	type rangeOf struct {
		s      *[16]int32
		lo, hi int64
	}
	rs := []rangeOf{
		{&c.kk, -q15, q15}, {&c.b, -q15, q15}, {&c.dec, 0, 1 << 16},
		{&c.kv, -1 << 31, 1<<31 - 1}, {&c.v, -q15, q15 - 1}, {&c.r, -q15, q15 - 1},
	}
	for _, g := range rs {
		for i := range g.s {
			var x int64
			switch mode {
			case wkvRandom:
				x = r.uniform(g.lo, g.hi)
			case wkvExtreme:
				x = r.pick(g.lo, g.hi)
			case wkvSmall:
				x = r.uniform(g.lo, g.hi) >> (6 + r.intn(8))
			case wkvAny:
				if r.intn(2) == 0 {
					x = int64(int32(r.next()))
				} else {
					x = r.pick(-1<<31, 1<<31-1)
				}
			}
			g.s[i] = int32(x)
		}
	}
	if mode == wkvSmall {
		for i := range c.dec {
			c.dec[i] = int32(60000 + r.intn(5537)) // decays near 1
		}
	}
	switch mode {
	case wkvAny:
		c.rsh = uint(r.intn(70))
		c.yShift = uint(r.intn(70))
		if r.intn(8) == 0 {
			c.rsh = uint(r.next())
		}
		if r.intn(8) == 0 {
			c.yShift = uint(r.next())
		}
	default:
		c.rsh = uint(r.intn(9))
		c.yShift = uint(r.intn(31))
	}
}

// wkvState fills st: uniform, near ±2^31, or small.
func wkvState(r *rng, mode wkvMode, st *[256]int32) {
	for i := range st {
		switch mode {
		case wkvExtreme, wkvAny:
			st[i] = int32(r.pick(-1<<31, 1<<31-1))
		case wkvSmall:
			st[i] = int32(r.next()) >> (8 + r.intn(12))
		default:
			st[i] = int32(r.next())
		}
	}
}

// checkWKV runs one step with im and the reference on copies of st and
// reports any difference in the state or the outputs.
func checkWKV(t *testing.T, im *implementation, st *[256]int32, c *wkvCase, what string) bool {
	t.Helper()
	want, got := *st, *st
	var yw, yg [16]int16
	wkv16Generic(&want, &c.kk, &c.b, &c.dec, &c.kv, &c.v, &c.r, c.rsh, c.yShift, &yw)
	im.wkv16(&got, &c.kk, &c.b, &c.dec, &c.kv, &c.v, &c.r, c.rsh, c.yShift, &yg)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s %s (rsh=%d yShift=%d): st[%d] = %d, want %d", im.name, what, c.rsh, c.yShift, i, got[i], want[i])
			return false
		}
	}
	for i := range yw {
		if yg[i] != yw[i] {
			t.Errorf("%s %s (rsh=%d yShift=%d): y[%d] = %d, want %d", im.name, what, c.rsh, c.yShift, i, yg[i], yw[i])
			return false
		}
	}
	*st = want
	return true
}

func TestWKV16(t *testing.T) {
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			r := rng(7)
			var satS, satY, n int
			for it := 0; it < 3000; it++ {
				mode := wkvMode(it % int(wkvModes))
				var st [256]int32
				wkvState(&r, mode, &st)
				for step := 0; step < 8; step++ { // consecutive steps on one state
					var c wkvCase
					m := mode
					if r.intn(4) == 0 {
						m = wkvMode(r.intn(int(wkvModes)))
					}
					wkvFill(&r, m, &c)
					if !checkWKV(t, im, &st, &c, fmt.Sprintf("case %d step %d mode %d", it, step, m)) {
						return
					}
					var y [16]int16
					st2 := st
					wkv16Generic(&st2, &c.kk, &c.b, &c.dec, &c.kv, &c.v, &c.r, c.rsh, c.yShift, &y)
					for i := range st2 {
						if st2[i] == -1<<31 || st2[i] == 1<<31-1 {
							satS++
						}
					}
					for i := range y {
						if y[i] == -32768 || y[i] == 32767 {
							satY++
						}
					}
					n++
				}
			}
			if satS == 0 || satY == 0 {
				t.Errorf("saturation not exercised: state %d, y %d", satS, satY)
			}
			t.Logf("%d steps; saturated state words %d, outputs %d", n, satS, satY)
		})
	}
}

// TestWKV16Edges covers the corner values exhaustively in combination: all
// inputs at one extreme each, every shift count around the limits.
func TestWKV16Edges(t *testing.T) {
	vals := []int32{-1 << 31, -1<<31 + 1, -1 << 15, -1, 0, 1, 1<<15 - 1, 1 << 15, 1 << 16, 1<<31 - 1}
	shifts := []uint{0, 1, 8, 15, 16, 30, 31, 32, 62, 63, 64, 65, 1 << 31, ^uint(0)}
	for _, im := range impls {
		r := rng(11)
		for it := 0; it < 2000; it++ {
			var c wkvCase
			var st [256]int32
			for _, s := range []*[16]int32{&c.kk, &c.b, &c.dec, &c.kv, &c.v, &c.r} {
				x := vals[r.intn(len(vals))]
				for i := range s {
					s[i] = x
					if r.intn(4) == 0 {
						s[i] = vals[r.intn(len(vals))]
					}
				}
			}
			x := vals[r.intn(len(vals))]
			for i := range st {
				st[i] = x
				if r.intn(4) == 0 {
					st[i] = vals[r.intn(len(vals))]
				}
			}
			c.rsh = shifts[r.intn(len(shifts))]
			c.yShift = shifts[r.intn(len(shifts))]
			if !checkWKV(t, im, &st, &c, fmt.Sprintf("edge case %d", it)) {
				break
			}
		}
	}
}

// TestWKV16Dispatch checks that the exported function uses the active
// implementation's result (all of them agree) and leaves the inputs alone.
func TestWKV16Dispatch(t *testing.T) {
	defer use(impls[0])
	r := rng(13)
	var c wkvCase
	wkvFill(&r, wkvRandom, &c)
	var st0 [256]int32
	wkvState(&r, wkvRandom, &st0)
	c0 := c
	var want [16]int16
	wst := st0
	wkv16Generic(&wst, &c.kk, &c.b, &c.dec, &c.kv, &c.v, &c.r, c.rsh, c.yShift, &want)
	for _, im := range impls {
		use(im)
		st := st0
		var y [16]int16
		WKV16(&st, &c.kk, &c.b, &c.dec, &c.kv, &c.v, &c.r, c.rsh, c.yShift, &y)
		if y != want || st != wst || c != c0 {
			t.Errorf("%s: WKV16 differs from the reference or changed its inputs", im.name)
		}
	}
}

// FuzzWKV16 derives a state, the inputs and the shift counts from the fuzz
// input and checks every implementation against the reference over a few
// consecutive steps.
//
//	go test -run XXX -fuzz FuzzWKV16 -fuzztime 20s ./model/kernel/
func FuzzWKV16(f *testing.F) {
	f.Add([]byte{0, 15, 0xff, 0x7f, 0x80, 0x00})
	f.Add([]byte{8, 30, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{64, 0, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x00, 0x80})
	f.Add([]byte{3, 12, 0x00, 0x80, 0x00, 0x00, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 3 {
			return
		}
		rsh, yShift := uint(data[0]), uint(data[1])
		fill := data[2:]
		j := 0
		next := func() int32 { // little-endian int32s from fill, cycled with a varying offset
			var x uint32
			for k := 0; k < 4; k++ {
				x |= uint32(fill[j%len(fill)]^byte(j/len(fill))) << (8 * k)
				j++
			}
			return int32(x)
		}
		var st [256]int32
		for i := range st {
			st[i] = next()
		}
		for step := 0; step < 3; step++ {
			var c wkvCase
			for _, s := range []*[16]int32{&c.kk, &c.b, &c.dec, &c.kv, &c.v, &c.r} {
				for i := range s {
					s[i] = next()
				}
			}
			c.rsh, c.yShift = rsh, yShift+uint(step)
			for _, im := range impls {
				st1 := st
				if !checkWKV(t, im, &st1, &c, fmt.Sprintf("step %d", step)) {
					t.FailNow()
				}
			}
			var y [16]int16
			wkv16Generic(&st, &c.kk, &c.b, &c.dec, &c.kv, &c.v, &c.r, c.rsh, c.yShift, &y)
		}
	})
}

// TestGoldenWKV16 pins the outputs and final state of a fixed pseudo-random
// sequence of WKV16 steps (all input modes, documented and arbitrary
// ranges) under every implementation; see golden_test.go.
func TestGoldenWKV16(t *testing.T) {
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			golden(t, "WKV16", 0x4b0eca5418adb657, func(put func(int64)) {
				r := rng(94)
				for run := 0; run < 40; run++ {
					mode := wkvMode(run % int(wkvModes))
					var st [256]int32
					wkvState(&r, mode, &st)
					for step := 0; step < 25; step++ {
						var c wkvCase
						wkvFill(&r, mode, &c)
						var y [16]int16
						im.wkv16(&st, &c.kk, &c.b, &c.dec, &c.kv, &c.v, &c.r, c.rsh, c.yShift, &y)
						for _, v := range y {
							put(int64(v))
						}
					}
					for _, v := range st {
						put(int64(v))
					}
				}
			})
		})
	}
}

// BenchmarkWKV16 measures one step of one head (ns/op = per call), with and
// without the v⊗k shift.
func BenchmarkWKV16(b *testing.B) {
	r := rng(1)
	var c wkvCase
	wkvFill(&r, wkvSmall, &c)
	c.yShift = 20
	var st0 [256]int32
	wkvState(&r, wkvSmall, &st0)
	for _, im := range impls {
		for _, rsh := range []uint{0, 3} {
			b.Run(fmt.Sprintf("%s/rsh=%d", im.name, rsh), func(b *testing.B) {
				st := st0
				var y [16]int16
				ot := startOps(b)
				for i := 0; i < b.N; i++ {
					im.wkv16(&st, &c.kk, &c.b, &c.dec, &c.kv, &c.v, &c.r, rsh, c.yShift, &y)
				}
				if c := processCPU(); ot.cpu0 >= 0 && c > ot.cpu0 {
					b.ReportMetric((c-ot.cpu0)*1e9/float64(b.N), "cpu-ns/op")
				}
			})
		}
	}
}

// TestWKVPrepImpls checks every implementation's WKVPrep against the
// generic one on extreme and random inputs, shifts of 0 to 40.
func TestWKVPrepImpls(t *testing.T) {
	r := rng(50)
	for rep := range 20000 {
		var k, v, rr [16]int16
		var alpha [16]int32
		copy(k[:], extremeI16(&r, 16))
		copy(v[:], extremeI16(&r, 16))
		copy(rr[:], extremeI16(&r, 16))
		for j := range alpha {
			alpha[j] = int32(r.next())
			if rep%3 == 0 {
				alpha[j] >>= 15
			}
		}
		rs := int64(r.next() >> 32)
		if rep%4 == 0 {
			rs >>= uint(r.intn(32))
		}
		lsh := uint(r.intn(41))
		var want [5][16]int32
		wkvPrepGeneric(&want[0], &want[1], &want[2], &want[3], &want[4], &k, &v, &rr, &alpha, rs, lsh)
		for _, im := range impls {
			var got [5][16]int32
			im.wkvPrep(&got[0], &got[1], &got[2], &got[3], &got[4], &k, &v, &rr, &alpha, rs, lsh)
			if got != want {
				t.Fatalf("%s rep %d rs %d lsh %d: %v, want %v", im.name, rep, rs, lsh, got, want)
			}
		}
	}
}

// FuzzWKVPrep compares every implementation's WKVPrep with the generic
// one on arbitrary inputs.
func FuzzWKVPrep(f *testing.F) {
	f.Add([]byte("sixteen keys and values and receptances, alphas too"), int64(1<<30), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, rs int64, lsh uint8) {
		if len(data) == 0 {
			return
		}
		at := func(i int) byte { return data[i%len(data)] ^ byte(i/len(data)) }
		var k, v, r [16]int16
		var alpha [16]int32
		for j := range 16 {
			k[j] = int16(uint16(at(2*j)) | uint16(at(2*j+1))<<8)
			v[j] = int16(uint16(at(32+2*j)) | uint16(at(33+2*j))<<8)
			r[j] = int16(uint16(at(64+2*j)) | uint16(at(65+2*j))<<8)
			alpha[j] = int32(uint32(at(96+4*j)) | uint32(at(97+4*j))<<8 | uint32(at(98+4*j))<<16 | uint32(at(99+4*j))<<24)
		}
		rs = int64(uint64(rs) >> 32) // below 2^32, as documented
		var want [5][16]int32
		wkvPrepGeneric(&want[0], &want[1], &want[2], &want[3], &want[4], &k, &v, &r, &alpha, rs, uint(lsh))
		for _, im := range impls {
			var got [5][16]int32
			im.wkvPrep(&got[0], &got[1], &got[2], &got[3], &got[4], &k, &v, &r, &alpha, rs, uint(lsh))
			if got != want {
				t.Fatalf("%s: %v, want %v", im.name, got, want)
			}
		}
	})
}
