package kernel

// Element-wise operations over slices: the exported entry points of the
// kernels in elem_generic.go (the reference) and elem_amd64.go/.s. Each
// processes len(dst) elements and panics if an input slice is shorter.

// Gate sets dst[i] = RoundShift(a[i]·g[i], 16): a scaled by a UQ0.16 factor
// g (g/65536 in [0, 1), e.g. a Sigmoid output). Same Q format as a; never
// saturates.
func Gate(dst, a []int16, g []uint16) {
	ek.gate(dst, a[:len(dst)], g[:len(dst)])
}

// SigmoidVec sets dst[i] = Sigmoid(x[i]).
func SigmoidVec(dst []uint16, x []int16) {
	ek.sigmoid(dst, x[:len(dst)])
}
