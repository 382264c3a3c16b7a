package coder

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"
)

// Differential tests of the SetLogits implementations: every one usable
// on this machine (logitImpls) must build exactly the tables of the
// reference Go code (implGo). On amd64 without purego that covers the
// AVX-512 and AVX2 assembly; elsewhere only the reference runs, which
// keeps the tests meaningful as self-checks.

// withImpl runs f with the SetLogits kernels of impl.
func withImpl(impl int, f func()) {
	saved := logitImpl
	logitImpl = impl
	defer func() { logitImpl = saved }()
	f()
}

// fastImpls returns the implementations other than the reference.
func fastImpls() []int {
	var l []int
	for _, impl := range logitImpls {
		if impl != implGo {
			l = append(l, impl)
		}
	}
	return l
}

// setLogitsWith returns the cumulative frequencies (nil on error) and the
// error that SetLogits gives with impl. tab is reused across calls, as
// in real use.
func setLogitsWith(impl int, tab *FreqTable, logits []int32, bits uint) ([]uint32, error) {
	var err error
	withImpl(impl, func() { err = tab.SetLogits(logits, bits) })
	if err != nil {
		return nil, err
	}
	return append([]uint32(nil), tab.cum...), nil
}

// checkSameTables compares every implementation with the reference on
// one input.
func checkSameTables(t *testing.T, what string, logits []int32, bits uint) {
	t.Helper()
	var ref, fast FreqTable
	want, wantErr := setLogitsWith(implGo, &ref, logits, bits)
	for _, impl := range fastImpls() {
		got, err := setLogitsWith(impl, &fast, logits, bits)
		if err != wantErr {
			t.Fatalf("%s (n %d, bits %d): %s: error %v, reference %v", what, len(logits), bits, implNames[impl], err, wantErr)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s (n %d, bits %d): %s: Cum(%d) = %d, reference %d\nlogits %v",
					what, len(logits), bits, implNames[impl], i, got[i], want[i], abbrev(logits))
			}
		}
	}
}

func abbrev(l []int32) string {
	if len(l) > 40 {
		return fmt.Sprint(l[:40], "...")
	}
	return fmt.Sprint(l)
}

// logitShapes returns named logit vectors of length n drawn from p,
// covering the regimes the kernels must agree on.
func logitShapes(p *prng, n int) map[string][]int32 {
	gen := func(f func(i int) int32) []int32 {
		l := make([]int32, n)
		for i := range l {
			l[i] = f(i)
		}
		return l
	}
	spread := func(bits int) func(int) int32 {
		return func(int) int32 { return int32(p.intn(bits*LogitOne+1)) - int32(bits*LogitOne/2) }
	}
	shapes := map[string][]int32{
		"equal":      gen(func(int) int32 { return 77 }),
		"equal-min":  gen(func(int) int32 { return math.MinInt32 }),
		"equal-max":  gen(func(int) int32 { return math.MaxInt32 }),
		"spread1":    gen(spread(1)),
		"spread4":    gen(spread(4)),
		"spread12":   gen(spread(12)),
		"spread20":   gen(spread(20)),
		"spread21":   gen(spread(21)),
		"spread30":   gen(spread(30)),
		"spread64":   gen(spread(64)),
		"int32":      gen(func(int) int32 { return int32(p.next()) }),
		"bench-like": benchLogitsOne(p, n),
		// Around the cutoff: d = m - l in [expCutoff-3, expCutoff+3]
		// and a few below, with the maximum 0.
		"cutoff": gen(func(i int) int32 {
			if i == n/2 {
				return 0
			}
			return -expCutoff + int32(p.intn(7)) - 3 - int32(p.intn(2))*int32(p.intn(300))
		}),
		// Differences near 2^32-1.
		"extremes": gen(func(i int) int32 {
			switch p.intn(4) {
			case 0:
				return math.MinInt32
			case 1:
				return math.MaxInt32
			case 2:
				return math.MinInt32 + int32(p.intn(6000))
			}
			return math.MaxInt32 - int32(p.intn(6000))
		}),
		// A flat top over a tail: the fallback of step 5.
		"flat-top": gen(func(int) int32 {
			if p.intn(8) == 0 {
				return 0
			}
			return -int32(p.intn(30 * LogitOne))
		}),
		// Several equal maxima, so the argmax is the first of them.
		"ties": gen(func(int) int32 {
			if p.intn(5) == 0 {
				return 1000
			}
			return int32(p.intn(2000)) - 1000
		}),
	}
	// One huge logit at the start, the end, the last vector lane and
	// a random place, all others far below: recip = 2^32 for a total of
	// 2^16, handled in the assembly by halving.
	for _, at := range []int{0, n - 1, n &^ 15, n &^ 7, p.intn(n)} {
		if at >= n {
			continue
		}
		huge := gen(func(int) int32 { return -int32(p.intn(1<<20)) - expCutoff })
		huge[at] = 5
		shapes[fmt.Sprintf("huge@%d", at)] = huge
		dom := gen(func(int) int32 { return math.MinInt32 })
		dom[at] = math.MaxInt32
		shapes[fmt.Sprintf("max-vs-min@%d", at)] = dom
	}
	return shapes
}

// benchLogitsOne is one vector of the benchmark's shape.
func benchLogitsOne(p *prng, n int) []int32 {
	l := make([]int32, n)
	for i := range l {
		if p.intn(10) < 7 {
			l[i] = -int32(p.intn(16 * LogitOne))
		} else {
			l[i] = -int32(16*LogitOne + p.intn(24*LogitOne))
		}
	}
	l[p.intn(n)] = 2 * LogitOne
	return l
}

func TestSetLogitsImpls(t *testing.T) {
	t.Logf("implementations: %v", implList())
	if len(fastImpls()) == 0 {
		t.Log("no accelerated implementation on this machine or build")
	}
	p := &prng{s: 0x51AD}
	var ns []int
	for n := 1; n <= 300; n++ {
		ns = append(ns, n)
	}
	ns = append(ns, 511, 1000, 4096, 16384, 16385, 16399, 65535, 65536)
	for _, n := range ns {
		bitsList := []uint{16, 15}
		if n <= 300 {
			bitsList = append(bitsList, 9, 12)
		}
		for _, bits := range bitsList {
			if n > 1<<bits {
				continue
			}
			if n > 20000 && bits != 16 {
				continue
			}
			for name, logits := range logitShapes(p, n) {
				checkSameTables(t, name, logits, bits)
			}
		}
	}
	// Invalid arguments fail the same way.
	for _, tc := range []struct {
		n    int
		bits uint
	}{{0, 16}, {3, 1}, {32, 4}, {1, 17}, {65537, 16}} {
		checkSameTables(t, "invalid", make([]int32, tc.n), tc.bits)
	}
}

// TestSetLogitsImplsShifted checks every offset of a vector within a
// longer slice, so the tail handling meets every lane position.
func TestSetLogitsImplsShifted(t *testing.T) {
	p := &prng{s: 0x5EED}
	base := benchLogitsOne(p, 300)
	for off := 0; off < 40; off++ {
		for _, n := range []int{16, 17, 31, 32, 33, 64, 255, 256, 257} {
			if off+n <= len(base) {
				checkSameTables(t, "window", base[off:off+n], 16)
			}
		}
	}
}

func implList() []string {
	var s []string
	for _, impl := range logitImpls {
		s = append(s, implNames[impl])
	}
	return s
}

// checkSameWeights compares steps 1 and 2 (maximum, argmax, weights and
// their sum) of impl with the reference. Unlike whole tables, which
// rarely notice a weight below 2^-20 of the sum, this pins every weight.
func checkSameWeights(t *testing.T, impl int, what string, logits []int32) {
	t.Helper()
	wm, wa := maxArgmaxGo(logits)
	var gm int32
	var ga int
	withImpl(impl, func() { gm, ga = maxArgmax(logits) })
	if gm != wm || ga != wa {
		t.Fatalf("%s (n %d): %s: maxArgmax = %d, %d; want %d, %d", what, len(logits), implNames[impl], gm, ga, wm, wa)
	}
	want := make([]uint32, len(logits))
	got := make([]uint32, len(logits))
	ws := expWeightsGo(want, logits, wm)
	var gs uint64
	withImpl(impl, func() { gs = expWeights(got, logits, wm) })
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s (n %d): %s: expWeights[%d] = %d, want %d (d = %d)",
				what, len(logits), implNames[impl], i, got[i], want[i], uint32(wm)-uint32(logits[i]))
		}
	}
	if gs != ws {
		t.Fatalf("%s (n %d): %s: expWeights sum %d, want %d", what, len(logits), implNames[impl], gs, ws)
	}
}

// TestLogitKernelsWeights runs checkSameWeights on the shapes of
// TestSetLogitsImpls and on every distance d in [0, expCutoff+300) and
// near 2^32 in every lane.
func TestLogitKernelsWeights(t *testing.T) {
	p := &prng{s: 0x3E16}
	for _, impl := range fastImpls() {
		for n := 1; n <= 300; n++ {
			for name, logits := range logitShapes(p, n) {
				checkSameWeights(t, impl, name, logits)
			}
		}
		for _, m := range []int32{0, math.MaxInt32, math.MinInt32 + expCutoff + 400} {
			l := make([]int32, expCutoff+400)
			for i := range l {
				l[i] = m - int32(i)
			}
			checkSameWeights(t, impl, "every d", l)
			for i := range l {
				l[i] = math.MinInt32 + int32(i)
			}
			l[len(l)-1] = math.MaxInt32
			checkSameWeights(t, impl, "d near 2^32", l)
		}
	}
}

// TestLogitKernels compares the kernels one by one on random data,
// including the shares for every reciprocal regime and the running sums
// wrapping past 2^32.
func TestLogitKernels(t *testing.T) {
	p := &prng{s: 0xCE11}
	for _, impl := range fastImpls() {
		for trial := 0; trial < 2000; trial++ {
			n := 1 + p.intn(300)
			logits := make([]int32, n)
			shift := p.intn(32)
			for i := range logits {
				logits[i] = int32(p.next()) >> shift
			}
			if trial%3 == 0 {
				// Duplicate the maximum somewhere later.
				m, _ := maxArgmaxGo(logits)
				logits[p.intn(n)] = m
			}
			wm, wa := maxArgmaxGo(logits)
			var gm int32
			var ga int
			withImpl(impl, func() { gm, ga = maxArgmax(logits) })
			if gm != wm || ga != wa {
				t.Fatalf("%s: maxArgmax = %d, %d; want %d, %d", implNames[impl], gm, ga, wm, wa)
			}

			want := make([]uint32, n)
			got := make([]uint32, n)
			ws := expWeightsGo(want, logits, wm)
			var gs uint64
			withImpl(impl, func() { gs = expWeights(got, logits, wm) })
			if gs != ws {
				t.Fatalf("%s: expWeights sum %d, want %d", implNames[impl], gs, ws)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s: expWeights[%d] = %d, want %d (d = %d)", implNames[impl], i, got[i], want[i], uint32(wm)-uint32(logits[i]))
				}
			}

			// Any weights up to 2^31 (the range expWeights makes)
			// and reciprocals up to 2^32. The running sums of the
			// largest ones wrap past 2^32.
			x := make([]uint32, n)
			for i := range x {
				x[i] = uint32(p.next() >> (33 + p.intn(33)))
				if p.intn(50) == 0 {
					x[i] = 1 << 31
				}
			}
			var recip uint64
			switch trial % 4 {
			case 0:
				recip = 1 << 32
			case 1:
				recip = p.next() >> 32
			case 2:
				recip = 1<<32 - uint64(p.intn(3))
			default:
				recip = p.next() >> (32 + p.intn(32))
			}
			for _, round := range []bool{true, false} {
				copy(want, x)
				copy(got, x)
				var wacc, gacc uint32
				if round {
					wacc = roundSharesGo(want, recip, 0)
					withImpl(impl, func() { gacc = roundShares(got, recip) })
				} else {
					wacc = floorSharesGo(want, recip, 0)
					withImpl(impl, func() { gacc = floorShares(got, recip) })
				}
				if gacc != wacc {
					t.Fatalf("%s: shares (round %v, recip %#x) sum %d, want %d", implNames[impl], round, recip, gacc, wacc)
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("%s: shares (round %v, recip %#x)[%d] = %d, want %d", implNames[impl], round, recip, i, got[i], want[i])
					}
				}
			}

			delta := uint32(p.next())
			copy(want, x)
			copy(got, x)
			from := p.intn(n)
			addAllGo(want[from:], delta)
			withImpl(impl, func() { addAll(got[from:], delta) })
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s: addAll[%d] = %d, want %d", implNames[impl], i, got[i], want[i])
				}
			}
		}
	}
}

// TestGoldenLogitsImpls runs the golden tests with every implementation.
func TestGoldenLogitsImpls(t *testing.T) {
	for _, impl := range logitImpls {
		t.Run(implNames[impl], func(t *testing.T) {
			withImpl(impl, func() {
				TestGoldenLogits(t)
				TestGoldenStream(t)
			})
		})
	}
}

// TestSetLogitsImplsNoAlloc checks that the accelerated paths allocate
// nothing either.
func TestSetLogitsImplsNoAlloc(t *testing.T) {
	logits := benchLogitsOne(&prng{s: 1}, 256)
	for _, impl := range logitImpls {
		var tab FreqTable
		withImpl(impl, func() {
			tab.SetLogits(logits, 16)
			if a := testing.AllocsPerRun(100, func() { tab.SetLogits(logits, 16) }); a != 0 {
				t.Errorf("%s: %v allocations", implNames[impl], a)
			}
		})
	}
}

// FuzzSetLogitsImpls asserts that every implementation builds the
// reference table. The logits come from data (4 bytes each, shifted
// right arithmetically by shift to vary the spread), then from a prng.
func FuzzSetLogitsImpls(f *testing.F) {
	f.Add([]byte{}, uint64(0), uint16(256), uint8(16), uint8(20))
	f.Add([]byte{0xff, 0xff, 0xff, 0x7f}, uint64(1), uint16(16), uint8(16), uint8(31))
	f.Add([]byte{0, 0, 0, 0x80, 0xff, 0xff, 0xff, 0x7f}, uint64(2), uint16(33), uint8(15), uint8(0))
	f.Add([]byte{1, 2, 3, 4}, uint64(3), uint16(1000), uint8(16), uint8(19))
	f.Add([]byte{}, uint64(4), uint16(300), uint8(16), uint8(31))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64, n16 uint16, bits8 uint8, shift uint8) {
		n := 1 + int(n16)%2048
		bits := uint(bits8 % (MaxTotalBits + 1))
		if n > 1<<bits {
			bits = MaxTotalBits
		}
		p := &prng{s: seed}
		logits := make([]int32, n)
		for i := range logits {
			var v int32
			if 4*i+4 <= len(data) {
				v = int32(binary.LittleEndian.Uint32(data[4*i:]))
			} else {
				v = int32(p.next())
			}
			logits[i] = v >> (shift % 32)
		}
		checkSameTables(t, "fuzz", logits, bits)
	})
}

// BenchmarkSetLogitsImpls measures the conversion with each
// implementation, for the byte alphabet and a 16K vocabulary.
func BenchmarkSetLogitsImpls(b *testing.B) {
	for _, n := range []int{256, 16384} {
		ls := benchLogits(8, n)
		for _, impl := range logitImpls {
			b.Run(fmt.Sprintf("%s/%d", implNames[impl], n), func(b *testing.B) {
				withImpl(impl, func() {
					var tab FreqTable
					tab.SetLogits(ls[0], 16)
					b.ReportAllocs()
					for i := 0; b.Loop(); i++ {
						tab.SetLogits(ls[i&7], 16)
					}
				})
			})
		}
	}
}
