package kernel

import (
	"math"
)

// Isqrt returns floor(√x) exactly, in integer arithmetic: integer Newton
// steps r ← (r + x/r)/2 (floor divisions), stopping when r no longer
// decreases; from any start >= floor(√x) this stops exactly at
// floor(√x), so the start only decides how many steps it takes. It
// starts one above the float64 square root (within 2^-20 of √x for any
// uint64, so at least floor(√x) whatever the platform's last bit):
// two steps, where the power-of-two start took five or six.
func Isqrt(x uint64) uint32 {
	if x == 0 {
		return 0
	}
	r := min(uint64(math.Sqrt(float64(x)))+1, 1<<32) // >= floor(√x), <= 2^32
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
