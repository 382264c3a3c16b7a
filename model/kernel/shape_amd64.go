//go:build !purego

package kernel

// shapeAVX512 is shapeGeneric 16 int32 lanes at a time (shape_amd64.s):
// the lanes' a from acc + lane·step (VPMULLD; then += 16·step, wrapping
// as Go's), VPSRAD the flooring >> 16, VPMAXSD/VPMINSD the clamp,
// VPGATHERDD the table entries at the clamped bins (always inside the
// table), VPABSD and VPMULLD the linear tail; the last n%16 lanes stored
// under a mask.
//
//go:noescape
func shapeAVX512(dst *int32, tab *[256]int32, n int, acc, step, tail int32)

func shapeAVX512Go(dst []int32, tab *[256]int32, acc, step, tail int32) {
	if len(dst) == 0 {
		return
	}
	shapeAVX512(&dst[0], tab, len(dst), acc, step, tail)
}

// shapeAVX2 is shapeGeneric 8 lanes at a time for n%8 == 0, n >= 8
// (shape_amd64.s); the wrapper does the last n%8 in Go.
//
//go:noescape
func shapeAVX2(dst *int32, tab *[256]int32, n int, acc, step, tail int32)

func shapeAVX2Go(dst []int32, tab *[256]int32, acc, step, tail int32) {
	v := len(dst) &^ 7
	if v > 0 {
		shapeAVX2(&dst[0], tab, v, acc, step, tail)
	}
	shapeGeneric(dst[v:], tab, acc+int32(v)*step, step, tail)
}
