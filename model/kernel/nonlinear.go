package kernel

//go:generate go run gen_tables.go

// Integer nonlinearities by table lookup. The tables (tables.go) are
// constants generated once, so results are identical everywhere.
//
// Q formats:
//   - Sigmoid input: int16 Q3.12 (x/4096, range [-8, 8)).
//   - Sigmoid output: uint16 UQ0.16 (v/65536, range [22, 65514] ⊂ (0, 1)).
//   - ExpNeg / Exp2Neg input: int32 Q19.12 (x/4096), meaning e^(-x/4096) /
//     2^(-x/4096); negative x is treated as 0.
//   - ExpNeg / Exp2Neg output: uint32 UQ16.16 in [0, 65536] (65536 = 1.0).

// Sigmoid returns σ(x/4096)·65536 for x in Q3.12, as UQ0.16. Algorithm
// (exact): a = |x|, i = a>>6, f = a&63, T[i] = round(σ(i/64)·2^24),
// s = (64·T[i] + (T[i+1]-T[i])·f + 2^13) >> 14 (linear interpolation, step
// 1/64, one rounding), and 65536-s for x < 0, so Sigmoid(-x) =
// 65536 - Sigmoid(x) exactly. Error < 0.75 unit (2^-16); monotonic.
func Sigmoid(x int16) uint16 {
	m := int32(x) >> 31 // -1 if x < 0, else 0
	a := (int32(x) ^ m) - m
	i, f := a>>6, a&63
	t0, t1 := int32(sigmoidTab[i]), int32(sigmoidTab[i+1])
	s := (t0<<6 + (t1-t0)*f + 1<<13) >> 14
	return uint16(s + m&(65536-2*s)) // 65536-s for x < 0, branch-free
}

// SigmoidVec sets dst[i] = Sigmoid(x[i]).
func SigmoidVec(dst []uint16, x []int16) {
	ek.sigmoid(dst, x[:len(dst)])
}

// ExpNeg returns e^(-x/4096)·65536 in UQ16.16 for x >= 0 in Q19.12
// (x <= 0 gives 65536). Algorithm (exact): for x < 2^16, with hi = x>>8 and
// lo = x&255, (H[hi]·L[lo] + 2^43) >> 44 where H = round(e^(-i/16)·2^30)
// and L = round(e^(-i/4096)·2^30); 0 for x >= 2^16 (e^-16 < 2^-17).
// Error < 0.51 unit (2^-16).
func ExpNeg(x int32) uint32 {
	if x <= 0 {
		return 65536
	}
	if x >= 1<<16 {
		return 0
	}
	p := uint64(expHiTab[x>>8]) * uint64(expLoTab[x&255])
	return uint32((p + 1<<43) >> 44)
}

// ExpNegVec sets dst[i] = ExpNeg(x[i]).
func ExpNegVec(dst []uint32, x []int32) {
	ek.expNeg(dst, x[:len(dst)])
}

// Exp2Neg returns 2^(-x/4096)·65536 in UQ16.16 for x >= 0 in Q19.12
// (x <= 0 gives 65536): with n = x>>12, f = x&4095,
// (P[f>>6]·Q[f&63] + 2^(43+n)) >> (44+n) where P = round(2^(-i/64)·2^30) and
// Q = round(2^(-i/4096)·2^30); 0 for n > 19. Error < 0.51 unit
// (2^-16).
func Exp2Neg(x int32) uint32 {
	if x <= 0 {
		return 65536
	}
	n := uint(x >> 12)
	if n > 19 {
		return 0
	}
	f := x & 4095
	p := uint64(exp2HiTab[f>>6]) * uint64(exp2LoTab[f&63])
	s := 44 + n
	return uint32((p + 1<<(s-1)) >> s)
}
