//go:build !purego

package kernel

// lsUpdateAVX512 is lsUpdateGeneric with rows of 8 int64 lanes
// (ls_amd64.s): per row j the lanes k in [j, n) (a mask), the row's
// xs[j] broadcast; VPSRAQ by dec, VPSUBQ, VPMULLQ (the low 64 bits of
// the product, as Go's), VPADDQ, masked stores; b in two vectors. xs
// holds int64(x[j]) << sh, shifted in Go (counts of 64 and more as Go's).
//
//go:noescape
func lsUpdateAVX512(a *[16][16]int64, b *[16]int64, x *[16]int32, xs *[16]int64, t int64, n int, dec uint)

func lsUpdateAVX512Go(a *[16][16]int64, b *[16]int64, x *[16]int32, t int32, n int, dec, sh uint) {
	if n == 0 {
		return
	}
	var xs [16]int64
	for j := range xs[:n] {
		xs[j] = int64(x[j]) << sh
	}
	lsUpdateAVX512(a, b, x, &xs, int64(t), n, dec)
}
