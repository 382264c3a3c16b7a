package imgctx

import "math/bits"

// lg2Q8 holds round(256*log2(1+m/512)) for m in [0, 512), computed at
// init by an integer-only squaring algorithm, so it is identical on every
// machine.
var lg2Q8 [512]int32

func init() {
	for m := range lg2Q8 {
		lg2Q8[m] = int32(log2FracQ8(uint64(512 + m)))
	}
}

// log2FracQ8 returns round(256*log2(x/512)) for x in [512, 1024): the
// fractional log2 by repeated squaring of x/512 in Q40, with 12 result
// bits, rounded to 8.
func log2FracQ8(x uint64) int64 {
	const q = 40
	v := x << (q - 9) // in [1, 2) in Q40
	var r int64
	for k := 0; k < 12; k++ {
		hi, lo := bits.Mul64(v, v)
		v = hi<<(64-q) | lo>>q // v*v in Q40 (< 4<<40)
		r <<= 1
		if v >= 2<<q {
			v >>= 1
			r |= 1
		}
	}
	return (r + 8) >> 4 // Q12 -> Q8, halves up
}

// Log2Q8 returns 256*log2(x) for x >= 1 (x = 0 is treated as 1), with the
// fraction taken from a 9-bit mantissa table: an error of at most about
// 0.5 units plus the mantissa truncation (< 0.003 bits).
func Log2Q8(x uint32) int32 {
	if x == 0 {
		x = 1
	}
	n := bits.Len32(x) - 1
	var m uint32
	if n >= 9 {
		m = (x >> uint(n-9)) & 511
	} else {
		m = (x << uint(9-n)) & 511
	}
	return int32(n)<<8 + lg2Q8[m]
}

func clampQ(v int32) int32 {
	if v < 0 {
		return 0
	}
	if v > MaxQ {
		return MaxQ
	}
	return v
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

func min32(a, b int32) int32 {
	if a < b {
		return a
	}
	return b
}

func max32(a, b int32) int32 {
	if a > b {
		return a
	}
	return b
}
