//go:build !purego

package kernel

// AVX-512 versions of the adaptive-head kernels (adapt_amd64.s), bit-identical
// to matVecS32S16Generic and rankOneUpdateS32Generic for every input.
//
// MatVecS32S16 uses VPMULDQ (signed int32×int32 → int64, exact for int32
// weights times sign-extended int16 inputs), VPADDQ (the exact int64 sum:
// |Σ| < 2^17·2^46 = 2^63), VPSRAQ (the flooring >> for shift <= 63) and
// VPMOVSQD (signed saturation int64 → int32, i.e. SatInt32).
//
// RankOneUpdateS32 splits g = H·2^16 + L (L = int16(g)) so that every
// product is int16×int16 in int32 lanes (VPMADDWD, VPDPWSSD), without any
// wrap; see adapt_amd64.s for the identity. Needs AVX-512 F, BW (masked
// word loads) and VNNI.

//go:noescape
func matVecS32S16AVX512(y *int32, w *int32, x *int16, rows, cols int, shift uint)

//go:noescape
func rankOneS32BlockAVX512(w *int32, cols int, gr *int32, rows int, x *int16, n int)

// rankOneBlock is the most columns rankOneS32BlockAVX512 handles per call
// (its stack buffer holds x for one block).
const rankOneBlock = 128

func matVecS32S16AVX512Go(y []int32, w []int32, x []int16, rows, cols int, shift uint) {
	if rows == 0 {
		return
	}
	if cols == 0 {
		clear(y[:rows]) // Sat32(0 >> shift)
		return
	}
	_ = y[rows-1]
	_ = w[rows*cols-1]
	_ = x[cols-1]
	matVecS32S16AVX512(&y[0], &w[0], &x[0], rows, cols, shift)
}

func rankOneUpdateS32AVX512(w []int32, g []int32, x []int16, rows, cols int) {
	if rows == 0 || cols == 0 {
		return
	}
	_ = w[rows*cols-1]
	_ = g[rows-1]
	_ = x[cols-1]
	for c0 := 0; c0 < cols; c0 += rankOneBlock {
		n := min(rankOneBlock, cols-c0)
		rankOneS32BlockAVX512(&w[c0], cols, &g[0], rows, &x[c0], n)
	}
}
