//go:build !purego

package kernel

// AVX-512 twins of requantGeneric and lerpGeneric (requant_amd64.s), 8
// int64 lanes at a time, the last n%8 under a mask:
//
//   - requant: VPMOVSXDQ widens acc and bias, VPADDQ adds them exactly,
//     VPMULLQ is the low 64 bits of the product (Go's wrapping int64
//     multiply), VPADDQ the wrapping sum with the half, VPSRAVQ the
//     flooring >> (a count of 64 or more fills with the sign, as Go's >>
//     on int64), VPMAXSQ the lower bound, VPMOVSQW the saturation to
//     int16 (the upper bound 32767 and, without relu, -32768).
//   - lerp: VPMOVSXWQ/VPMOVSXDQ widen, VPSUBQ gives b-a (17 bits),
//     VPMULDQ multiplies the signed low dwords exactly (|b-a|·|mu| < 2^48),
//     VPADDQ 2^15, VPSRAQ 16 floors, VPADDQ a, VPMOVSQW saturates.
//   - addQ4: see addQ4AVX512.

//go:noescape
func requantAVX512(dst *int16, acc, bias *int32, m, half, sh *int64, n int, lo int64)

//go:noescape
func lerpAVX512(dst, a, b *int16, mu *int32, n int)

// addQ4AVX512: VPADDQ 8 and VPSRAQ 4 round exactly in int64, VPMAXSQ and
// VPMINSQ clamp to ±2^30, VPMOVQD narrows (the values fit), VPADDD adds
// with int32 wrap-around.
//
//go:noescape
func addQ4AVX512(logits *int32, delta *int64, n int)

func addQ4AVX512Go(logits []int32, delta []int64) {
	n := len(logits)
	if n == 0 {
		return
	}
	_ = delta[n-1]
	addQ4AVX512(&logits[0], &delta[0], n)
}

func requantAVX512Go(dst []int16, acc, bias []int32, m, half, sh []int64, lo int64) {
	n := len(dst)
	if n == 0 {
		return
	}
	_, _, _, _ = acc[n-1], m[n-1], half[n-1], sh[n-1]
	var bp *int32
	if bias != nil {
		_ = bias[n-1]
		bp = &bias[0]
	}
	requantAVX512(&dst[0], &acc[0], bp, &m[0], &half[0], &sh[0], n, lo)
}

func lerpAVX512Go(dst, a, b []int16, mu []int32) {
	n := len(dst)
	if n == 0 {
		return
	}
	_, _, _ = a[n-1], b[n-1], mu[n-1]
	lerpAVX512(&dst[0], &a[0], &b[0], &mu[0], n)
}

// requantAddAVX512 and requantHeadAVX512: requant's lanes (VPMULLQ,
// VPADDQ, VPSRAVQ), then VPMOVSXWQ/VPMOVSXDQ and VPADDQ the residual or
// the adapted bias, VPMOVSQW the int16 saturation, or VPMAXSQ/VPMINSQ
// the ±2^30 clamp and VPMOVQD.
//
//go:noescape
func requantAddAVX512(dst *int16, acc *int32, base *int16, m, half, sh *int64, n int)

//go:noescape
func requantHeadAVX512(dst, acc, bias, add *int32, m, half, sh *int64, n int)

func requantAddAVX512Go(dst []int16, acc []int32, base []int16, m, half, sh []int64) {
	n := len(dst)
	if n == 0 {
		return
	}
	_, _, _, _, _ = acc[n-1], base[n-1], m[n-1], half[n-1], sh[n-1]
	requantAddAVX512(&dst[0], &acc[0], &base[0], &m[0], &half[0], &sh[0], n)
}

func requantHeadAVX512Go(dst, acc, bias, add []int32, m, half, sh []int64) {
	n := len(dst)
	if n == 0 {
		return
	}
	_, _, _, _, _, _ = acc[n-1], bias[n-1], add[n-1], m[n-1], half[n-1], sh[n-1]
	requantHeadAVX512(&dst[0], &acc[0], &bias[0], &add[0], &m[0], &half[0], &sh[0], n)
}

// stepBiasAVX512: VPADDQ and VPSRAQ (count from a register: 64 or more
// fills with the sign, as Go's >>), VPSUBQ from the widened bias,
// VPMAXSQ/VPMINSQ the ±2^24 clamp, VPMOVQD. rescale32AVX512: requant's
// lanes on int64 inputs, VPMOVSQD the int32 saturation.
//
//go:noescape
func stepBiasAVX512(ob *int32, grad *int64, n int, half int64, sh uint)

//go:noescape
func rescale32AVX512(dst *int32, grad *int64, m, half, sh *int64, n int)

func stepBiasAVX512Go(ob []int32, g []int64, half int64, sh uint) {
	n := len(ob)
	if n == 0 {
		return
	}
	_ = g[n-1]
	stepBiasAVX512(&ob[0], &g[0], n, half, sh)
}

func rescale32AVX512Go(dst []int32, g []int64, m, half, sh []int64) {
	n := len(dst)
	if n == 0 {
		return
	}
	_, _, _, _ = g[n-1], m[n-1], half[n-1], sh[n-1]
	rescale32AVX512(&dst[0], &g[0], &m[0], &half[0], &sh[0], n)
}

// rescale16AVX512 is rescale16Generic 8 int64 lanes at a time
// (requant_amd64.s): VPMOVSXWQ, VPMULLQ (the low 64 bits, as Go's),
// VPADDQ, VPSRAQ by sh, VPMOVSQW the saturating narrowing (the clamp).
//
//go:noescape
func rescale16AVX512(dst, src *int16, n int, m, half int64, sh uint)

func rescale16AVX512Go(dst, src []int16, m, half int64, sh uint) {
	n := len(dst)
	if n == 0 {
		return
	}
	_ = src[n-1]
	rescale16AVX512(&dst[0], &src[0], n, m, half, sh)
}
