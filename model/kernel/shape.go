package kernel

// ShapeLogits is imgctx's bias-logit render: a table of 256 logits over
// error bins, read at the bin of each value, and extended linearly beyond
// the table. For i < len(dst), with a = acc + i·step (int32, wrapping as
// Go's), b = a >> 16 + 128 (the bin, arithmetic shift) and c = b clamped
// to [0, 255]:
//
//	dst[i] = tab[c] - |b - c|·tail
//
// (int32 arithmetic, wrapping as Go's). Reference in shape_generic.go,
// AVX-512 twin in shape_amd64.s.
func ShapeLogits(dst []int32, tab *[256]int32, acc, step, tail int32) {
	ek.shape(dst, tab, acc, step, tail)
}
