//go:build !purego

package kernel

import "unsafe"

// AVX-512 element-wise kernels (elem_amd64.s). Each processes n >= 1
// elements, the last n%8 or n%16 under a mask, and computes exactly what
// the generic Go function does; parameter values they do not cover (noted
// per wrapper) go to the generic code.

// requant16AVX512 / requant8AVX512: dst[i] = clamp(clamp(RoundShift(src[i]·
// mult, shift), int32) + zero, lo, hi) stored as int16 / as bytes.
// mask = 2^shift-1, half = 2^(shift-1); 1 <= shift <= 63.
//
//go:noescape
func requant16AVX512(dst *int16, src *int32, n int, mult, shift, mask, half, zero, lo, hi int64)

//go:noescape
func requant8AVX512(dst *uint8, src *int32, n int, mult, shift, mask, half, zero, lo, hi int64)

// mulI16AVX512: dst[i] = SatInt16(RoundShift(a[i]·b[i], shift)), 1 <= shift <= 30.
//
//go:noescape
func mulI16AVX512(dst, a, b *int16, n int, shift, mask, half int64)

// addI16ShlAVX512: dst[i] = SatInt16(a[i] + b[i]<<left), 0 <= left <= 15.
// addI16RndAVX512: dst[i] = SatInt16(a[i] + RoundShift(b[i], shift)), 1 <= shift <= 30.
//
//go:noescape
func addI16ShlAVX512(dst, a, b *int16, n int, left int64)

//go:noescape
func addI16RndAVX512(dst, a, b *int16, n int, shift, mask, half int64)

// lerpAVX512: dst[i] = a[i] + RoundShift((b[i]-a[i])·mu[i], 16).
//
//go:noescape
func lerpAVX512(dst, a, b *int16, mu *uint16, n int)

// gateAVX512: dst[i] = RoundShift(a[i]·g[i], 16).
//
//go:noescape
func gateAVX512(dst, a *int16, gf *uint16, n int)

// reluSqU8AVX512: dst[i] = min(255, RoundShift(max(x[i],0)², shift)), 1 <= shift <= 30.
//
//go:noescape
func reluSqU8AVX512(dst *uint8, x *int16, n int, shift, mask, half int64)

// sigmoidAVX512: dst[i] = Sigmoid(x[i]) with tab = &sigmoidTab[0].
//
//go:noescape
func sigmoidAVX512(dst *uint16, x *int16, n int, tab *uint32)

// AVX2 versions (n%16 == 0, n >= 16; the wrappers do the tail in Go).
//
//go:noescape
func mulI16AVX2(dst, a, b *int16, n int, shift, mask, half int64)

//go:noescape
func addI16RndAVX2(dst, a, b *int16, n int, shift, mask, half int64)

//go:noescape
func addI16ShlAVX2(dst, a, b *int16, n int, left int64)

//go:noescape
func gateAVX2(dst, a *int16, gf *uint16, n int)

//go:noescape
func reluSqU8AVX2(dst *uint8, x *int16, n int, shift, mask, half int64)

//go:noescape
func sigmoidAVX2(dst *uint16, x *int16, n int, tab *uint32)

// requant16AVX2 / requant8AVX2: as the AVX-512 versions, n%4 == 0, n >= 4.
//
//go:noescape
func requant16AVX2(dst *int16, src *int32, n int, mult, shift, mask, half, zero, lo, hi int64)

//go:noescape
func requant8AVX2(dst *uint8, src *int32, n int, mult, shift, mask, half, zero, lo, hi int64)

// lerpAVX2: n%16 == 0.
//
//go:noescape
func lerpAVX2(dst, a, b *int16, mu *uint16, n int)

var avx2Elem = elemKernels{
	requantI8:  requantI8AVX2,
	requantI16: requantI16AVX2,
	requantU8:  requantU8AVX2,
	mulI16:     mulI16AVX2Go,
	addI16:     addI16AVX2Go,
	lerp:       lerpAVX2Go,
	gate:       gateAVX2Go,
	reluSqU8:   reluSqU8AVX2Go,
	sigmoid:    sigmoidAVX2Go,
}

var avx512Elem = elemKernels{
	requantI8:  requantI8AVX512,
	requantI16: requantI16AVX512,
	requantU8:  requantU8AVX512,
	mulI16:     mulI16AVX512Go,
	addI16:     addI16AVX512Go,
	lerp:       lerpAVX512Go,
	gate:       gateAVX512Go,
	reluSqU8:   reluSqU8AVX512Go,
	sigmoid:    sigmoidAVX512Go,
}

func shiftConsts(s uint) (shift, mask, half int64) {
	return int64(s), int64(1)<<s - 1, int64(1) << (s - 1)
}

func requantI16AVX512(dst []int16, src []int32, s Scale) {
	if len(dst) == 0 || s.Shift == 0 {
		requantI16Generic(dst, src, s)
		return
	}
	sh, m, h := shiftConsts(uint(s.Shift))
	requant16AVX512(&dst[0], &src[0], len(dst), int64(s.Mult), sh, m, h, 0, -32768, 32767)
}

func requantI8AVX512(dst []int8, src []int32, s Scale) {
	if len(dst) == 0 || s.Shift == 0 {
		requantI8Generic(dst, src, s)
		return
	}
	sh, m, h := shiftConsts(uint(s.Shift))
	requant8AVX512((*uint8)(unsafe.Pointer(&dst[0])), &src[0], len(dst), int64(s.Mult), sh, m, h, 0, -128, 127)
}

func requantU8AVX512(dst []uint8, src []int32, s Scale, zero int32) {
	if len(dst) == 0 || s.Shift == 0 {
		requantU8Generic(dst, src, s, zero)
		return
	}
	sh, m, h := shiftConsts(uint(s.Shift))
	requant8AVX512(&dst[0], &src[0], len(dst), int64(s.Mult), sh, m, h, int64(zero), 0, 255)
}

func mulI16AVX512Go(dst, a, b []int16, shift uint) {
	if len(dst) == 0 || shift == 0 || shift > 30 {
		mulI16Generic(dst, a, b, shift)
		return
	}
	sh, m, h := shiftConsts(shift)
	mulI16AVX512(&dst[0], &a[0], &b[0], len(dst), sh, m, h)
}

func gateAVX512Go(dst, a []int16, g []uint16) {
	if len(dst) == 0 {
		return
	}
	gateAVX512(&dst[0], &a[0], &g[0], len(dst))
}

func reluSqU8AVX512Go(dst []uint8, x []int16, shift uint) {
	if len(dst) == 0 || shift == 0 || shift > 30 {
		reluSqU8Generic(dst, x, shift)
		return
	}
	sh, m, h := shiftConsts(shift)
	reluSqU8AVX512(&dst[0], &x[0], len(dst), sh, m, h)
}

func sigmoidAVX512Go(dst []uint16, x []int16) {
	if len(dst) == 0 {
		return
	}
	sigmoidAVX512(&dst[0], &x[0], len(dst), &sigmoidTab[0])
}

func addI16AVX512Go(dst, a, b []int16, shiftB int) {
	switch {
	case len(dst) == 0:
	case shiftB >= -15 && shiftB <= 0:
		addI16ShlAVX512(&dst[0], &a[0], &b[0], len(dst), int64(-shiftB))
	case shiftB >= 1 && shiftB <= 30:
		sh, m, h := shiftConsts(uint(shiftB))
		addI16RndAVX512(&dst[0], &a[0], &b[0], len(dst), sh, m, h)
	default:
		addI16Generic(dst, a, b, shiftB)
	}
}

func lerpAVX512Go(dst, a, b []int16, mu []uint16) {
	if len(dst) == 0 {
		return
	}
	lerpAVX512(&dst[0], &a[0], &b[0], &mu[0], len(dst))
}

func mulI16AVX2Go(dst, a, b []int16, shift uint) {
	v := len(dst) &^ 15
	if v == 0 || shift == 0 || shift > 30 {
		mulI16Generic(dst, a, b, shift)
		return
	}
	sh, m, h := shiftConsts(shift)
	mulI16AVX2(&dst[0], &a[0], &b[0], v, sh, m, h)
	mulI16Generic(dst[v:], a[v:], b[v:], shift)
}

func addI16AVX2Go(dst, a, b []int16, shiftB int) {
	v := len(dst) &^ 15
	switch {
	case v == 0:
		addI16Generic(dst, a, b, shiftB)
		return
	case shiftB >= -15 && shiftB <= 0:
		addI16ShlAVX2(&dst[0], &a[0], &b[0], v, int64(-shiftB))
	case shiftB >= 1 && shiftB <= 30:
		sh, m, h := shiftConsts(uint(shiftB))
		addI16RndAVX2(&dst[0], &a[0], &b[0], v, sh, m, h)
	default:
		addI16Generic(dst, a, b, shiftB)
		return
	}
	addI16Generic(dst[v:], a[v:], b[v:], shiftB)
}

func gateAVX2Go(dst, a []int16, g []uint16) {
	v := len(dst) &^ 15
	if v > 0 {
		gateAVX2(&dst[0], &a[0], &g[0], v)
	}
	gateGeneric(dst[v:], a[v:], g[v:])
}

func reluSqU8AVX2Go(dst []uint8, x []int16, shift uint) {
	v := len(dst) &^ 15
	if v == 0 || shift == 0 || shift > 30 {
		reluSqU8Generic(dst, x, shift)
		return
	}
	sh, m, h := shiftConsts(shift)
	reluSqU8AVX2(&dst[0], &x[0], v, sh, m, h)
	reluSqU8Generic(dst[v:], x[v:], shift)
}

func sigmoidAVX2Go(dst []uint16, x []int16) {
	v := len(dst) &^ 15
	if v > 0 {
		sigmoidAVX2(&dst[0], &x[0], v, &sigmoidTab[0])
	}
	sigmoidGeneric(dst[v:], x[v:])
}

func requantI16AVX2(dst []int16, src []int32, s Scale) {
	v := len(dst) &^ 3
	if v == 0 || s.Shift == 0 {
		requantI16Generic(dst, src, s)
		return
	}
	sh, m, h := shiftConsts(uint(s.Shift))
	requant16AVX2(&dst[0], &src[0], v, int64(s.Mult), sh, m, h, 0, -32768, 32767)
	requantI16Generic(dst[v:], src[v:], s)
}

func requantI8AVX2(dst []int8, src []int32, s Scale) {
	v := len(dst) &^ 3
	if v == 0 || s.Shift == 0 {
		requantI8Generic(dst, src, s)
		return
	}
	sh, m, h := shiftConsts(uint(s.Shift))
	requant8AVX2((*uint8)(unsafe.Pointer(&dst[0])), &src[0], v, int64(s.Mult), sh, m, h, 0, -128, 127)
	requantI8Generic(dst[v:], src[v:], s)
}

func requantU8AVX2(dst []uint8, src []int32, s Scale, zero int32) {
	v := len(dst) &^ 3
	if v == 0 || s.Shift == 0 {
		requantU8Generic(dst, src, s, zero)
		return
	}
	sh, m, h := shiftConsts(uint(s.Shift))
	requant8AVX2(&dst[0], &src[0], v, int64(s.Mult), sh, m, h, int64(zero), 0, 255)
	requantU8Generic(dst[v:], src[v:], s, zero)
}

func lerpAVX2Go(dst, a, b []int16, mu []uint16) {
	v := len(dst) &^ 15
	if v > 0 {
		lerpAVX2(&dst[0], &a[0], &b[0], &mu[0], v)
	}
	lerpGeneric(dst[v:], a[v:], b[v:], mu[v:])
}
