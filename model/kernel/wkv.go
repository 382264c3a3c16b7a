package kernel

// WKV16 advances one head (size 16) of the integer RWKV-7-style delta-rule
// state by one token and returns its output. The state is stored
// TRANSPOSED, st[j*16+i] = S[i][j] (i = value channel, j = key channel),
// so that every step below is a vertical operation over i with one
// broadcast scalar per j.
//
// Inputs (all exact integers; the caller chooses the Q formats):
//
//	kk[j]   normalised key, Q15 (|kk| <= 2^15)
//	b[j]    kk⊙α, Q15
//	dec[j]  per-channel decay, Q16 (0..65536)
//	kv[j]   key scaled for the v⊗k term: k[j]·2^vkShift when vkShift >= 0
//	v[i]    value (int16 range); rsh = max(0, -vkShift)
//	r[j]    receptance (int16 range)
//
// Algorithm (the definition; every implementation must give these bits):
//
//	sa[i]   = Sat32((-Σ_j S[i][j]·kk[j]) >> 15)                 (int64 sum, floor shift)
//	S'[i][j] = Sat32((S[i][j]·dec[j]) >> 16 + (sa[i]·b[j]) >> 15 + (v[i]·kv[j]) >> rsh)
//	y[i]    = Sat16((Σ_j S'[i][j]·r[j] + 2^(yShift-1)) >> yShift)  (int64 sum; no rounding term if yShift = 0)
//
// where >> is the arithmetic (flooring) shift on int64 and Sat32/Sat16
// clamp to the int32/int16 range. Every int64 intermediate is exact: the
// products are below 2^48 and the sums of 16 below 2^52. The state is
// updated in place and y receives the 16 outputs.
func WKV16(st *[256]int32, kk, b, dec, kv, v, r *[16]int32, rsh, yShift uint, y *[16]int16) {
	wkv16Impl(st, kk, b, dec, kv, v, r, rsh, yShift, y)
}

// WKVPrep prepares one head's WKV16 inputs from the time-mix's int16
// projections: kk[j] = int32((k[j]·rs) >> 15) (the key normalised by
// rs, Q15), b[j] = int32((kk[j]·alpha[j]) >> 16), kv[j] = int32(k[j]) <<
// lsh, v32[j] = v[j], r32[j] = r[j] (int64 products, flooring shifts,
// int32 truncation and shift as Go's; rs below 2^32).
func WKVPrep(kk, b, kv, v32, r32 *[16]int32, k, v, r *[16]int16, alpha *[16]int32, rs int64, lsh uint) {
	wkvPrepImpl(kk, b, kv, v32, r32, k, v, r, alpha, rs, lsh)
}

func wkvPrepGeneric(kk, b, kv, v32, r32 *[16]int32, k, v, r *[16]int16, alpha *[16]int32, rs int64, lsh uint) {
	for j := range 16 {
		kk[j] = int32(int64(k[j]) * rs >> 15)
		b[j] = int32(int64(kk[j]) * int64(alpha[j]) >> 16)
		kv[j] = int32(k[j]) << lsh
		v32[j] = int32(v[j])
		r32[j] = int32(r[j])
	}
}
