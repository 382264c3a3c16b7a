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

// gridAVX512 is gridGeneric 8 lanes at a time: the lanes' a from acc +
// lane·step (VPMULLQ; then += 8·step, wrapping as Go's), VPSRAQ the
// flooring >> 23, VPMAXSQ/VPMINSQ the clamp, VPGATHERQD the two cell
// ends (o[c], o[c+1]), VPMOVSXDQ, and the interpolation in int64 lanes;
// VPMOVQB/VPMOVQD store the cells and positions (they fit).
//
//go:noescape
func gridAVX512(delta *int64, cell *uint8, frac *int32, o *int32, n int, acc, step, rj int64)

func gridAVX512Go(delta []int64, cell []uint8, frac []int32, o []int32, acc, step, rj int64) {
	n := len(delta)
	if n == 0 {
		return
	}
	_, _ = cell[n-1], frac[n-1]
	gridAVX512(&delta[0], &cell[0], &frac[0], &o[0], n, acc, step, rj)
}
