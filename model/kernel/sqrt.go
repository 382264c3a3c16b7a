package kernel

import (
	"math"
	"math/bits"
)

// Isqrt returns floor(√x) exactly, in pure integer arithmetic: integer
// Newton steps r ← (r + x/r)/2 (floor divisions) from the upper bound
// r = 2^ceil(bitlen(x)/2), stopping when r no longer decreases; from any
// start >= floor(√x) this stops exactly at floor(√x).
func Isqrt(x uint64) uint32 {
	if x == 0 {
		return 0
	}
	r := uint64(1) << ((bits.Len64(x) + 1) / 2) // >= √x, <= 2^32
	for {
		y := (r + x/r) / 2 // r + x/r <= 2^33: no overflow
		if y >= r {
			return uint32(r)
		}
		r = y
	}
}

// RsqrtQ30 returns floor(2^30/√x) exactly for x >= 1 (2^30 for x = 1,
// 0 for x > 2^60); x = 0 gives 2^32-1. It computes Isqrt(floor(2^60/x)),
// which equals floor(√(2^60/x)).
func RsqrtQ30(x uint64) uint32 {
	if x == 0 {
		return math.MaxUint32
	}
	return Isqrt((1 << 60) / x)
}

// RMSNorm sets dst[i] = x[i]/√(mean(x²) + eps) in Q3.12 (saturated to
// int16), over n = len(dst) elements (1..65536) of x in any Q format (the
// ratio is scale-free); eps is in units of x². Exact algorithm:
//
//	D   = Σx² + eps·n                         (if D = 0, dst is zeroed)
//	e   = max(0, (bitlen(D) - bitlen(n)) / 2)  (≈ log2 of the RMS)
//	s   = 24 + e
//	q   = floor(n·2^(2s) / D)                  (128-bit; saturates at 2^64-1)
//	inv = Isqrt(q)                             (= floor(2^s/RMS), ~24 bits)
//	dst[i] = SatInt16(RoundShift(x[i]·inv, s-12))
func RMSNorm(dst, x []int16, eps uint32) {
	n := len(dst)
	x = x[:n]
	if n == 0 {
		return
	}
	if n > 1<<16 {
		panic("kernel: RMSNorm length above 65536")
	}
	var d0, d1 uint64
	i := 0
	for ; i+2 <= n; i += 2 {
		v0, v1 := int64(x[i]), int64(x[i+1])
		d0 += uint64(v0 * v0)
		d1 += uint64(v1 * v1)
	}
	if i < n {
		d0 += uint64(int64(x[i]) * int64(x[i]))
	}
	d := d0 + d1
	d += uint64(eps) * uint64(n)
	if d == 0 {
		clear(dst)
		return
	}
	e := (bits.Len64(d) - bits.Len64(uint64(n))) / 2
	e = max(e, 0)
	s := uint(24 + e)
	// n·2^(2s) as a 128-bit number hi:lo (2s <= 112, n <= 2^16).
	var hi, lo uint64
	if 2*s >= 64 {
		hi = uint64(n) << (2*s - 64)
	} else {
		hi, lo = uint64(n)>>(64-2*s), uint64(n)<<(2*s)
	}
	q := uint64(math.MaxUint64)
	if hi < d {
		q, _ = bits.Div64(hi, lo, d)
	}
	inv := int64(Isqrt(q))
	c := newRShift(s - 12)
	for i, v := range x {
		dst[i] = SatInt16(c.apply(int64(v) * inv))
	}
}
