//go:build !purego

package kernel

// AVX-512 element-wise kernels (elem_amd64.s). Each processes n >= 1
// elements, the last n%16 under a mask, and computes exactly what the
// generic Go function does.

// gateAVX512: dst[i] = RoundShift(a[i]·g[i], 16).
//
//go:noescape
func gateAVX512(dst, a *int16, gf *uint16, n int)

// sigmoidAVX512: dst[i] = Sigmoid(x[i]) with tab = &sigmoidTab[0].
//
//go:noescape
func sigmoidAVX512(dst *uint16, x *int16, n int, tab *uint32)

// AVX2 versions (n%16 == 0, n >= 16; the wrappers do the tail in Go).
//
//go:noescape
func gateAVX2(dst, a *int16, gf *uint16, n int)

//go:noescape
func sigmoidAVX2(dst *uint16, x *int16, n int, tab *uint32)

// AVX2 has no 64-bit arithmetic shift or saturating qword narrowing:
// beside Gate, Sigmoid and ShapeLogits, the AVX2 set runs the generic
// kernels.
var avx2Elem = func() elemKernels {
	e := genericElem
	e.gate, e.sigmoid, e.shape = gateAVX2Go, sigmoidAVX2Go, shapeAVX2Go
	return e
}()

var avx512Elem = elemKernels{
	gate:    gateAVX512Go,
	sigmoid: sigmoidAVX512Go,
	requant: requantAVX512Go,
	lerp:    lerpAVX512Go,
	addQ4:   addQ4AVX512Go,
	hatAdd:  hatAddAVX512Go,
	hatDot:  hatDotAVX512Go,
	grid:    gridAVX512Go,
	shape:   shapeAVX512Go,

	requantAdd:  requantAddAVX512Go,
	requantHead: requantHeadAVX512Go,
	stepBias:    stepBiasAVX512Go,
	rescale32:   rescale32AVX512Go,
	rescale16:   rescale16AVX512Go,
}

func gateAVX512Go(dst, a []int16, g []uint16) {
	if len(dst) == 0 {
		return
	}
	gateAVX512(&dst[0], &a[0], &g[0], len(dst))
}

func sigmoidAVX512Go(dst []uint16, x []int16) {
	if len(dst) == 0 {
		return
	}
	sigmoidAVX512(&dst[0], &x[0], len(dst), &sigmoidTab[0])
}

func gateAVX2Go(dst, a []int16, g []uint16) {
	v := len(dst) &^ 15
	if v > 0 {
		gateAVX2(&dst[0], &a[0], &g[0], v)
	}
	gateGeneric(dst[v:], a[v:], g[v:])
}

func sigmoidAVX2Go(dst []uint16, x []int16) {
	v := len(dst) &^ 15
	if v > 0 {
		sigmoidAVX2(&dst[0], &x[0], v, &sigmoidTab[0])
	}
	sigmoidGeneric(dst[v:], x[v:])
}
