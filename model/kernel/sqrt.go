package kernel

import (
	"math"
)

// Isqrt returns floor(√x) exactly. It starts from the float64 square
// root of float64(x), which is within 1 of floor(√x) for any uint64 (x
// rounds to 53 bits, the root to 53 bits of at most 32 integer bits),
// and steps it down while r² > x and up while (r+1)² <= x, in integer
// arithmetic: exact whatever the platform's last bit, with no division
// (the Newton steps it replaces took two 64-bit divisions).
func Isqrt(x uint64) uint32 {
	r := min(uint64(math.Sqrt(float64(x))), 1<<32-1)
	for r*r > x {
		r--
	}
	for r < 1<<32-1 && (r+1)*(r+1) <= x {
		r++
	}
	return uint32(r)
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
