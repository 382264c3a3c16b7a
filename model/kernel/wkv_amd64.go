//go:build !purego

package kernel

// wkv16AVX512 is WKV16 in AVX-512 assembly (wkv_amd64.s): bit-identical to
// wkv16Generic for every input. It needs AVX-512 F (VPMULDQ, VPSRAQ,
// VPSRAVQ, VPMAXSQ, VPMOVSQW, masked loads and stores), BW and VL (the
// final word interleave on X registers).
//
//go:noescape
func wkv16AVX512(st *[256]int32, kk, b, dec, kv, v, r *[16]int32, rsh, yShift uint, y *[16]int16)

// wkvPrepAVX512 is wkvPrepGeneric in two halves of 8 int64 lanes for the
// products (VPMOVSXWQ, VPMULLQ, VPSRAQ, VPMOVQD, which truncates as Go's
// int32 conversion; VPMOVSXDQ takes kk back as the int32 it is) and 16
// int32 lanes for the widened and shifted values (VPMOVSXWD, VPSLLD,
// which gives 0 for a count of 32 or more, as Go's << on int32).
//
//go:noescape
func wkvPrepAVX512(kk, b, kv, v32, r32 *[16]int32, k, v, r *[16]int16, alpha *[16]int32, rs int64, lsh uint)
