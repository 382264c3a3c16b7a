package kernel

import (
	"math"
	"math/big"
	"testing"
)

func TestRShift(t *testing.T) {
	cases := []struct {
		x    int64
		s    uint
		want int64
	}{
		{5, 1, 3}, {-5, 1, -3}, {4, 1, 2}, {-4, 1, -2}, {7, 2, 2}, {-7, 2, -2},
		{6, 2, 2}, {-6, 2, -2}, {5, 2, 1}, {-5, 2, -1}, {3, 0, 3},
		{math.MaxInt64, 1, 1 << 62}, {math.MinInt64, 1, -(1 << 62)},
		{math.MaxInt64, 63, 1}, {math.MinInt64, 63, -1}, {-1, 63, 0}, {1 << 62, 63, 1},
	}
	for _, c := range cases {
		if got := newRShift(c.s).apply(c.x); got != c.want {
			t.Errorf("rShift %d of %d = %d, want %d", c.s, c.x, got, c.want)
		}
	}
	// Against exact rational rounding.
	r := rng(20)
	for i := 0; i < 20000; i++ {
		x := int64(r.next()) >> (r.next() % 64)
		s := uint(r.next() % 64)
		want := new(big.Rat).SetFrac(big.NewInt(x), new(big.Int).Lsh(big.NewInt(1), s))
		if got := newRShift(s).apply(x); got != ratRoundAway(want) {
			t.Fatalf("rShift %d of %d = %d, want %d", s, x, got, ratRoundAway(want))
		}
	}
}

// ratRoundAway rounds q to the nearest integer, ties away from zero.
func ratRoundAway(q *big.Rat) int64 {
	neg := q.Sign() < 0
	a := new(big.Rat).Abs(q)
	a.Add(a, big.NewRat(1, 2))
	f := new(big.Int).Quo(a.Num(), a.Denom()) // floor for positive
	v := f.Int64()
	if neg {
		v = -v
	}
	return v
}

func TestScale(t *testing.T) {
	for _, f := range []float64{1, 0.5, 0.75, 1.0 / 3, 1e-9, 1e3, 0x1p-33, 0x1.fffffp30, 0.0123456} {
		s := NewScale(f)
		if s.Mult < 1<<30 || s.Shift > 63 {
			t.Errorf("NewScale(%g) = %+v not normalised", f, s)
		}
		v := math.Ldexp(float64(s.Mult), -int(s.Shift))
		if rel := math.Abs(v-f) / f; rel > 0x1p-31 {
			t.Errorf("NewScale(%g) = %+v = %g, rel err %g", f, s, v, rel)
		}
	}
	if (NewScale(0) != Scale{}) {
		t.Error("NewScale(0) != zero")
	}
}

func TestSigmoid(t *testing.T) {
	maxErr := 0.0
	for x := -32768; x <= 32767; x++ {
		got := Sigmoid(int16(x))
		want := 65536 / (1 + math.Exp(-float64(x)/4096))
		maxErr = max(maxErr, math.Abs(float64(got)-want))
		if x > -32768 && Sigmoid(int16(-x)) != uint16(65536-int(got)) {
			t.Fatalf("Sigmoid not symmetric at %d", x)
		}
		if x > -32768 && got < Sigmoid(int16(x-1)) {
			t.Fatalf("Sigmoid not monotonic at %d", x)
		}
	}
	if maxErr > 0.75 {
		t.Errorf("Sigmoid max error %.3f units, want < 0.75", maxErr)
	}
	t.Logf("Sigmoid max error %.3f units of 2^-16", maxErr)
}

func TestIsqrt(t *testing.T) {
	check := func(x uint64) {
		r := uint64(Isqrt(x))
		hi, lo := mul128(r+1, r+1)
		if r*r > x || (hi == 0 && lo <= x) {
			t.Fatalf("Isqrt(%d) = %d", x, r)
		}
	}
	for x := uint64(0); x < 100000; x++ {
		check(x)
	}
	for k := uint64(1); k < 1<<32; k = k*3 + 1 {
		check(k*k - 1)
		check(k * k)
		check(k*k + 1)
	}
	check(math.MaxUint64)
	check(math.MaxUint64 - 1)
	check((1<<32 - 1) * (1<<32 - 1))
	r := rng(22)
	for i := 0; i < 100000; i++ {
		check(r.next() >> (r.next() % 64))
	}
	for _, x := range []uint64{1, 2, 3, 4, 1 << 20, 12345678, 1 << 60, 1<<60 + 1, math.MaxUint64} {
		want := new(big.Int).Sqrt(new(big.Int).Div(new(big.Int).Lsh(big.NewInt(1), 60), new(big.Int).SetUint64(x)))
		if got := RsqrtQ30(x); uint64(got) != want.Uint64() {
			t.Errorf("RsqrtQ30(%d) = %d, want %d", x, got, want)
		}
	}
	if RsqrtQ30(0) != math.MaxUint32 || RsqrtQ30(1) != 1<<30 {
		t.Error("RsqrtQ30 ends wrong")
	}
}

func mul128(a, b uint64) (hi, lo uint64) {
	p := new(big.Int).Mul(new(big.Int).SetUint64(a), new(big.Int).SetUint64(b))
	lo = new(big.Int).And(p, new(big.Int).SetUint64(math.MaxUint64)).Uint64()
	hi = new(big.Int).Rsh(p, 64).Uint64()
	return
}
