package kernel

import (
	"math"
	"math/big"
	"testing"
)

func TestRoundShift(t *testing.T) {
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
		if got := RoundShift(c.x, c.s); got != c.want {
			t.Errorf("RoundShift(%d, %d) = %d, want %d", c.x, c.s, got, c.want)
		}
	}
	// Against exact rational rounding.
	r := rng(20)
	for i := 0; i < 20000; i++ {
		x := int64(r.next()) >> (r.next() % 64)
		s := uint(r.next() % 64)
		want := new(big.Rat).SetFrac(big.NewInt(x), new(big.Int).Lsh(big.NewInt(1), s))
		if got := RoundShift(x, s); got != ratRoundAway(want) {
			t.Fatalf("RoundShift(%d, %d) = %d, want %d", x, s, got, ratRoundAway(want))
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
		if rel := math.Abs(s.Float()-f) / f; rel > 0x1p-31 {
			t.Errorf("NewScale(%g).Float() = %g, rel err %g", f, s.Float(), rel)
		}
	}
	if (NewScale(0) != Scale{}) {
		t.Error("NewScale(0) != zero")
	}
	// Apply against exact rational arithmetic.
	r := rng(21)
	for i := 0; i < 20000; i++ {
		s := Scale{Mult: int32(1<<30 + r.next()%(1<<30)), Shift: uint8(r.next() % 64)}
		acc := int32(r.next())
		q := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(int64(acc)), big.NewInt(int64(s.Mult))),
			new(big.Int).Lsh(big.NewInt(1), uint(s.Shift)))
		want := ratRoundAway(q)
		want = max(math.MinInt32, min(math.MaxInt32, want))
		if got := s.Apply(acc); int64(got) != want {
			t.Fatalf("%+v.Apply(%d) = %d, want %d", s, acc, got, want)
		}
	}
}

func TestRequant(t *testing.T) {
	src := []int32{0, 1, -1, 100, -100, 1000, -1000, 1 << 30, -1 << 31, math.MaxInt32, 12345, -12346}
	s := []Scale{NewScale(0.1)}
	d8 := make([]int8, len(src))
	d16 := make([]int16, len(src))
	du := make([]uint8, len(src))
	RequantInt8(d8, src, s)
	RequantInt16(d16, src, s)
	RequantUint8(du, src, s, 128)
	for i, v := range src {
		a := s[0].Apply(v)
		if int64(d8[i]) != int64(SatInt8(int64(a))) || int64(d16[i]) != int64(SatInt16(int64(a))) ||
			int64(du[i]) != int64(SatUint8(int64(a)+128)) {
			t.Errorf("requant %d: %d %d %d (apply %d)", v, d8[i], d16[i], du[i], a)
		}
		if f := float64(v) * 0.1; math.Abs(f) < 100 && math.Abs(float64(d8[i])-f) > 0.5+1e-6 {
			t.Errorf("RequantInt8(%d) = %d, want ≈ %g", v, d8[i], f)
		}
	}
	// Per-channel scales.
	per := []Scale{NewScale(1), NewScale(0.5), NewScale(2)}
	d := make([]int16, 3)
	RequantInt16(d, []int32{3, 3, 3}, per)
	if d[0] != 3 || d[1] != 2 || d[2] != 6 {
		t.Errorf("per-channel requant = %v, want [3 2 6]", d)
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

func TestElementwise(t *testing.T) {
	a := []int16{100, -100, 32767, -32768, 3, -3, 0, 1000}
	b := []int16{7, 7, 32767, -32768, -3, 3, 5, -1000}
	n := len(a)
	d := make([]int16, n)

	AddInt16(d, a, b, 0)
	for i := range a {
		if int64(d[i]) != int64(SatInt16(int64(a[i])+int64(b[i]))) {
			t.Errorf("AddInt16 shift 0 [%d] = %d", i, d[i])
		}
	}
	AddInt16(d, a, b, 1)
	if d[0] != 104 || d[1] != -96 || d[4] != 1 || d[5] != -1 { // 7/2 = 3.5 → 4; -3/2 → -2
		t.Errorf("AddInt16 shift 1 = %v", d)
	}
	AddInt16(d, a, b, -2)
	if d[0] != 128 || d[2] != 32767 {
		t.Errorf("AddInt16 shift -2 = %v", d)
	}

	MulInt16(d, a, b, 4) // 700/16 = 43.75 → 44
	if d[0] != 44 || d[1] != -44 || d[2] != 32767 || d[3] != 32767 {
		t.Errorf("MulInt16 = %v", d)
	}

	g := []uint16{32768, 32768, 65535, 65535, 32768, 32768, 0, 16384}
	Gate(d, a, g)
	if d[0] != 50 || d[1] != -50 || d[2] != 32767 || d[3] != -32768 || d[4] != 2 || d[5] != -2 || d[7] != 250 {
		t.Errorf("Gate = %v", d)
	}

	mu := []uint16{0, 65535, 32768, 32768, 32768, 32768, 32768, 0}
	Lerp(d, a, b, mu)
	if d[0] != 100 || d[1] != 7 || d[2] != 32767 || d[3] != -32768 || d[4] != 0 || d[7] != 1000 {
		t.Errorf("Lerp = %v", d)
	}

	u := make([]uint8, n)
	ReLUSqUint8(u, a, 8) // 100² / 256 = 39.06 → 39
	if u[0] != 39 || u[1] != 0 || u[2] != 255 || u[3] != 0 || u[6] != 0 {
		t.Errorf("ReLUSqUint8 = %v", u)
	}
	ReLUSqInt16(d, a, 4)                                        // 100²/16 = 625
	if d[0] != 625 || d[1] != 0 || d[2] != 32767 || d[4] != 1 { // 9/16 → 1
		t.Errorf("ReLUSqInt16 = %v", d)
	}
}
