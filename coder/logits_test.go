package coder

import (
	"math"
	"math/big"
	"testing"
)

// TestExpTable recomputes expTab with math/big: 2^(1/256) by eight
// square roots of 2, then 2^31 / 2^(f/256) rounded to nearest.
func TestExpTable(t *testing.T) {
	const prec = 256
	root := new(big.Float).SetPrec(prec).SetInt64(2)
	for i := 0; i < LogitFracBits; i++ {
		root.Sqrt(root)
	}
	pow := new(big.Float).SetPrec(prec).SetInt64(1)
	half := new(big.Float).SetPrec(prec).SetFloat64(0.5)
	for f := 0; f < len(expTab); f++ {
		v := new(big.Float).SetPrec(prec).SetInt64(1 << 31)
		v.Quo(v, pow).Add(v, half)
		want, _ := v.Int(nil)
		if uint64(expTab[f]) != want.Uint64() {
			t.Errorf("expTab[%d] = %#x, want %#x", f, expTab[f], want.Uint64())
		}
		pow.Mul(pow, root)
	}
}

// checkTable checks the structural guarantees of SetLogits.
func checkTable(t *testing.T, tab *FreqTable, logits []int32, bits uint) {
	t.Helper()
	n := len(logits)
	if tab.Len() != n || tab.TotalBits() != bits || tab.Cum(n) != 1<<bits || tab.Cum(0) != 0 {
		t.Fatalf("Len %d TotalBits %d total %d", tab.Len(), tab.TotalBits(), tab.Cum(n))
	}
	argmax := 0
	for i, l := range logits {
		if l > logits[argmax] {
			argmax = i
		}
		if tab.Freq(i) < 1 || tab.Cum(i+1) <= tab.Cum(i) {
			t.Fatalf("Freq(%d) = %d", i, tab.Freq(i))
		}
	}
	// Monotone: apart from the argmax, which absorbs the rounding
	// difference, a larger logit never gets a smaller frequency, except
	// by one unit where the fallback of step 5 spreads the remainder.
	for k := 0; k < 300 && n > 1; k++ {
		i, j := (k*7919)%n, (k*104729+1)%n
		if i == j || i == argmax || j == argmax {
			continue
		}
		li, lj, fi, fj := logits[i], logits[j], tab.Freq(i), tab.Freq(j)
		if li < lj {
			li, lj, fi, fj = lj, li, fj, fi
		}
		if fi+1 < fj || (li == lj && fj+1 < fi) {
			t.Fatalf("logit %d has freq %d but logit %d has %d", li, fi, lj, fj)
		}
	}
}

// softmaxKL returns KL(p || q) in bits, where p is the exact distribution
// 2^(logit/256) (in float64) and q the table.
func softmaxKL(tab *FreqTable, logits []int32) float64 {
	m := logits[0]
	for _, l := range logits {
		m = max(m, l)
	}
	p := make([]float64, len(logits))
	var sum float64
	for i, l := range logits {
		p[i] = math.Exp2(float64(int64(l)-int64(m)) / LogitOne)
		sum += p[i]
	}
	var kl float64
	total := float64(tab.Cum(tab.Len()))
	for i := range p {
		p[i] /= sum
		if p[i] > 0 {
			kl += p[i] * math.Log2(p[i]*total/float64(tab.Freq(i)))
		}
	}
	return kl
}

// randomLogits draws n logits with the given spread (in bits).
func randomLogits(p *prng, n int, spreadBits int) []int32 {
	l := make([]int32, n)
	for i := range l {
		l[i] = int32(p.intn(spreadBits*LogitOne+1)) - int32(spreadBits*LogitOne/2)
	}
	return l
}

func TestSetLogits(t *testing.T) {
	p := &prng{s: 12}
	var tab FreqTable
	for _, bits := range []uint{16, 15, 10} {
		for _, n := range []int{1, 2, 3, 255, 256, 1000, 16384} {
			if n > 1<<bits {
				continue
			}
			for _, spread := range []int{0, 1, 4, 12, 30, 64, 1 << 20} {
				logits := randomLogits(p, n, spread)
				if err := tab.SetLogits(logits, bits); err != nil {
					t.Fatal(err)
				}
				checkTable(t, &tab, logits, bits)

				// Only differences matter.
				shifted := make([]int32, n)
				for i, l := range logits {
					shifted[i] = l/2 + 12345 // halve to leave room
					logits[i] = l / 2
				}
				var a, b FreqTable
				a.SetLogits(logits, bits)
				b.SetLogits(shifted, bits)
				for i := 0; i <= n; i++ {
					if a.Cum(i) != b.Cum(i) {
						t.Fatalf("n %d spread %d: shifting logits changed Cum(%d)", n, spread, i)
					}
				}
			}
		}
	}
}

// TestSetLogitsAccuracy bounds the cost of the integer conversion against
// an exact float64 softmax for byte alphabets.
func TestSetLogitsAccuracy(t *testing.T) {
	p := &prng{s: 13}
	var tab FreqTable
	for _, spread := range []int{1, 4, 8, 16} {
		var worst float64
		for trial := 0; trial < 200; trial++ {
			logits := randomLogits(p, 256, spread)
			tab.SetLogits(logits, 16)
			worst = max(worst, softmaxKL(&tab, logits))
		}
		t.Logf("spread %2d bits: worst KL %.2e bits/symbol", spread, worst)
		limit := 1e-4 // rounding only
		if spread > 8 {
			limit = 2e-3 // dominated by the minimum frequency of 1
		}
		if worst > limit {
			t.Errorf("spread %d bits: KL %.2e bits/symbol", spread, worst)
		}
	}
}

func TestSetLogitsExtremes(t *testing.T) {
	var tab FreqTable
	for _, tc := range []struct {
		logits []int32
		bits   uint
	}{
		{[]int32{math.MinInt32}, 0},
		{[]int32{math.MaxInt32}, 16},
		{[]int32{math.MinInt32, math.MaxInt32}, 16},
		{[]int32{math.MaxInt32, math.MinInt32, math.MaxInt32, 0, -1}, 15},
		{[]int32{0, 20*LogitOne - 1, 20 * LogitOne, 19 * LogitOne, 32 * LogitOne}, 16},
		{make([]int32, 65536), 16},
		{make([]int32, 65535), 16},
		{make([]int32, 3), 2},
	} {
		if err := tab.SetLogits(tc.logits, tc.bits); err != nil {
			t.Fatalf("%d logits, %d bits: %v", len(tc.logits), tc.bits, err)
		}
		checkTable(t, &tab, tc.logits, tc.bits)
	}
	// Equal logits give a table that is uniform but for the argmax.
	for _, n := range []int{1, 3, 7, 256, 1000, 65535} {
		tab.SetLogits(make([]int32, n), 16)
		for i := 1; i < n; i++ {
			if f := int(tab.Freq(i)); f < 65536/n-1 || f > 65536/n+1 {
				t.Fatalf("n %d: equal logits: Freq(%d) = %d", n, i, f)
			}
		}
	}
	// A symbol 20 bits or more below the maximum gets the minimum.
	tab.SetLogits([]int32{0, -20 * LogitOne, math.MinInt32}, 16)
	if tab.Freq(1) != 1 || tab.Freq(2) != 1 || tab.Freq(0) != 65534 {
		t.Errorf("far below: %d %d %d", tab.Freq(0), tab.Freq(1), tab.Freq(2))
	}
	// Invalid sizes.
	for _, tc := range []struct {
		n    int
		bits uint
	}{{0, 16}, {3, 1}, {1, 17}, {65537, 16}} {
		if err := tab.SetLogits(make([]int32, tc.n), tc.bits); err != ErrInvalidFreq || tab.Len() != 0 {
			t.Errorf("SetLogits(%d logits, %d bits) = %v", tc.n, tc.bits, err)
		}
	}
}

// TestSetLogitsFallback covers both branches of step 5 of SetLogits.
func TestSetLogitsFallback(t *testing.T) {
	var tab FreqTable
	// 1000 equal logits: round(65.536) = 66 each overshoots by 464, more
	// than half of the argmax's 66, so the fallback gives 65 to every
	// symbol and one more to the first 536.
	tab.SetLogits(make([]int32, 1000), 16)
	for i := 0; i < 1000; i++ {
		want := uint32(65)
		if i < 536 {
			want = 66
		}
		if tab.Freq(i) != want {
			t.Fatalf("equal logits: Freq(%d) = %d, want %d", i, tab.Freq(i), want)
		}
	}
	// One favourite and 255 symbols far below: 255 symbols are raised
	// to 1 and the favourite gives up the excess.
	logits := make([]int32, 256)
	for i := range logits {
		logits[i] = -30 * LogitOne
	}
	logits[9] = 0
	tab.SetLogits(logits, 16)
	if tab.Freq(9) != 65536-255 || tab.Freq(0) != 1 || tab.Freq(255) != 1 {
		t.Errorf("favourite: Freq(9) = %d, Freq(0) = %d", tab.Freq(9), tab.Freq(0))
	}
	// Two symbols a bit apart: only rounding, absorbed by the argmax.
	tab.SetLogits([]int32{-LogitOne / 2, 0}, 15)
	// 2^(-1/2) / (1 + 2^(-1/2)) * 32768 = 13573.0...
	if tab.Freq(0) != 13573 || tab.Freq(1) != 32768-13573 {
		t.Errorf("pair: %d %d", tab.Freq(0), tab.Freq(1))
	}
}
