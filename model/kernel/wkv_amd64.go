//go:build !purego

package kernel

// wkv16AVX512 is WKV16 in AVX-512 assembly (wkv_amd64.s): bit-identical to
// wkv16Generic for every input. It needs AVX-512 F (VPMULDQ, VPSRAQ,
// VPSRAVQ, VPMAXSQ, VPMOVSQW, masked loads and stores), BW and VL (the
// final word interleave on X registers).
//
//go:noescape
func wkv16AVX512(st *[256]int32, kk, b, dec, kv, v, r *[16]int32, rsh, yShift uint, y *[16]int16)
