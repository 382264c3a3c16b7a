package kernel

import "math"

// Fixed-point helpers. Everything here is exactly specified: the same inputs
// give the same bits on every machine.
//
// RoundShift(x, s) in the comments denotes x/2^s rounded to the nearest
// integer, ties away from zero (2.5 → 3, -2.5 → -3): what rShift computes.
// Saturation clamps to the output type's range.

// rShift is RoundShift by a fixed amount s (0..63; larger s act as 63) with
// the constants precomputed, for loops. It never overflows.
type rShift struct {
	s          uint
	mask, half uint64
}

func newRShift(s uint) rShift {
	s = min(s, 63)
	if s == 0 {
		return rShift{}
	}
	return rShift{s: s, mask: 1<<s - 1, half: 1 << (s - 1)}
}

// apply returns x/2^s rounded to nearest, ties away from zero. With
// x = q·2^s + r (0 <= r < 2^s) it rounds up iff r >= half (x >= 0) or
// r > half (x < 0): the carry out of r + half - [x<0], computed in uint64
// so it cannot overflow. Branch-free apart from the loop-invariant s == 0.
func (c rShift) apply(x int64) int64 {
	if c.s == 0 {
		return x
	}
	q := x >> (c.s & 63)
	return q + int64((uint64(x)&c.mask+c.half-uint64(x)>>63)>>(c.s&63))
}

// SatInt16 clamps x to [-32768, 32767].
func SatInt16(x int64) int16 { return int16(max(-32768, min(32767, x))) }

// SatInt32 clamps x to [-2^31, 2^31-1].
func SatInt32(x int64) int32 { return int32(max(math.MinInt32, min(math.MaxInt32, x))) }

// Scale is a positive real factor Mult·2^-Shift in fixed point, used to
// requantise int32 accumulators (gemmlowp-style multiplier and shift).
// NewScale normalises Mult into [2^30, 2^31) for 31 significant bits. Store
// Mult and Shift in model files; NewScale is for building them. The code
// that applies a Scale chooses its rounding.
type Scale struct {
	Mult  int32 // >= 0
	Shift uint8 // 0..63
}

// NewScale returns the Scale nearest to f (31-bit mantissa, round half away
// from zero). f must be 0 or in [2^-33, 2^31). The computation is exact
// float64 arithmetic (Frexp, a power-of-two scaling and Round), so it gives
// the same result on every platform.
func NewScale(f float64) Scale {
	if f == 0 {
		return Scale{}
	}
	if !(f > 0) || math.IsInf(f, 0) {
		panic("kernel: NewScale needs a finite positive factor")
	}
	frac, exp := math.Frexp(f) // f = frac·2^exp, frac in [0.5, 1)
	m := math.Round(math.Ldexp(frac, 31))
	if m == 1<<31 {
		m = 1 << 30
		exp++
	}
	shift := 31 - exp
	if shift < 0 || shift > 63 {
		panic("kernel: NewScale factor out of range [2^-33, 2^31)")
	}
	return Scale{Mult: int32(m), Shift: uint8(shift)}
}
