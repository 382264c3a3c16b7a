//go:build !purego

package kernel

// AVX-512 twins of hatAddGeneric and hatDotGeneric (hat_amd64.s), 8
// int64 lanes at a time, the last n%8 under a mask: the lane's value v
// as 16·(lo+i) - p, VPABSQ, VPMULLQ (exact: the products stay below
// 2^63 for the documented ranges, and wrap as Go's otherwise), VPSRAQ
// the flooring >> 16, the e > 0 test as a mask (VPCMPQ), the masked add;
// HatDot adds its lanes at the end (int64 wrap-around, as Go's).

//go:noescape
func hatAddAVX512(delta *int64, n int, v0, p, invH, bk int64)

//go:noescape
func hatDotAVX512(dz *int64, n int, v0, p, invH int64) int64

func hatAddAVX512Go(delta []int64, lo int, p, invH, bk int64) {
	if len(delta) == 0 {
		return
	}
	hatAddAVX512(&delta[0], len(delta), int64(lo), p, invH, bk)
}

func hatDotAVX512Go(dz []int64, lo int, p, invH int64) int64 {
	if len(dz) == 0 {
		return 0
	}
	return hatDotAVX512(&dz[0], len(dz), int64(lo), p, invH)
}
